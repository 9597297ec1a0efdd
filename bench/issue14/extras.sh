#!/usr/bin/env bash
# Issue 14, single runs (one at a time, one thread): the gradient spectrum of a stalled and a successful
# parity (50, 4) run from the same initialisation, the Newton-Schulz route on a + b mod 97, the official
# MNIST presets, and the fixed against the fresh randomized-SVD sketch. Appends load to OUT/extras.log.
#   EGD_SNAPSHOT=DIR bench/issue14/extras.sh OUT
set -euo pipefail
out=$1
mkdir -p "$out"
jar="${EGD_SNAPSHOT:?set EGD_SNAPSHOT to a snapshot made by run-sweep.sh}/egd-cli.jar"
commit=$(cat "$EGD_SNAPSHOT/COMMIT")
export OPENBLAS_NUM_THREADS=1
log="$out/extras.log"
run() {
  name=$1; shift
  [ -f "$out/$name/summary.json" ] && return 0
  echo "start $name $(date -Is) load $(cat /proc/loadavg)" >> "$log"
  t0=$(date +%s)
  java -Degd.commit="$commit" -jar "$jar" train "$@" --threads 1 -q --out "$out/$name" >> "$log" 2>&1 || echo "exit $? $name" >> "$log"
  echo "end $name wall $(( $(date +%s) - t0 )) s load $(cat /proc/loadavg)" >> "$log"
}
P="--task parity --n 50 --k 4 --method egd --log-spectrum --spectrum-k all --spectrum-every 5 --stop-after 0 --epochs 300"
run spectrum-n50k4-seed1-paper $P --seed 1
run spectrum-n50k4-seed1-decay-after $P --seed 1 --decay-after-egd
run spectrum-n50k4-seed3-paper $P --seed 3
for s in 0 1; do
  run ns-route-add-p97-seed$s --method egd --egd-route newton-schulz --log-spectrum --spectrum-every 10 --stop-after 0 --seed $s
  run exact-add-p97-seed$s --method egd --stop-after 0 --seed $s
  run rsvd-fresh-add-p97-seed$s --method egd-rsvd --stop-after 0 --seed $s
  run rsvd-fixed-add-p97-seed$s --method egd-rsvd --rsvd-sketch fixed --stop-after 0 --seed $s
done
# the parity variants on a + b mod 97 (plain EGD is exact-add-p97-seed*): within 10% of its epochs?
for s in 0 1 2; do
  run exact-add-p97-seed$s --method egd --stop-after 0 --seed $s
  run decay-after-add-p97-seed$s --method egd --decay-after-egd --stop-after 0 --seed $s
  run damping1e-3-add-p97-seed$s --method egd --egd-damping 1e-3 --stop-after 0 --seed $s
  run rank-batch-add-p97-seed$s --method egd --egd-max-rank batch --stop-after 0 --seed $s
done
# muon without momentum: Newton-Schulz of the gradient itself with decoupled decay, beside SGD (the ablation
# between egd --egd-route newton-schulz and muon)
for s in 0 1; do
  run muon-momentum0-add-p97-seed$s --method muon --muon-momentum 0 --epochs 1000 --stop-after 0 --seed $s
done
run mnist-official-egd --task mnist --method egd --preset official --seed 0
run mnist-official-egd-rsvd-grokfast --task mnist --method egd-rsvd+grokfast-ema --preset official --seed 0
run mnist-official-vanilla --task mnist --method vanilla --preset official --seed 0
