#!/usr/bin/env bash
# The MNIST MLP (784-200-200-10, batch 200, AdamW) in DJL (PyTorch 2.7.1 CPU through egd-djl's EgdOptimizer) and in egd's own
# engine, side by side:
#   1. the step alone (DjlSpeedTest): each configuration's model built and warmed up, then rounds of 5 steps going round them,
#      so the shared machine's load hits all alike; median steps/s and the best round; EGD against the same step without it,
#      sequential and with the three matrices' kernels on two threads at once (EgdOptimizer.parallel(2); egd's engine on 2 workers);
#   2. whole runs through the command line (./egd train --engine djl|egd): 500 steps of vanilla and egd, one evaluation at the end,
#      steps/s outside evaluation and each run's phases (forward+backward, transform, update) from summary.json.
# PyTorch and egd run on one thread each (the figures in docs/performance.md say why), unless THREADS is set.
#
# Usage: bench/compare-djl.sh [rounds=40] [cli steps=500]     (MVN_ARGS=-o for an offline Maven)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=${1:-40}; steps=${2:-500}; threads=${THREADS:-1}
cd "$root"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

echo
echo "== 1. the step alone (DjlSpeedTest, $rounds rounds of 5 steps, PyTorch on $threads intra-op thread(s))"
# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -pl djl -am verify -Dtest=DjlSpeedTest -Dsurefire.failIfNoSpecifiedTests=false -Ddjl.excludedGroups=none \
  -Ddjl.torch.threads="$threads" -Ddjl.bench.rounds="$rounds" -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >/dev/null
cat "djl/target/djl-speed-$threads.md"

echo
echo "== 2. whole runs: ./egd train --task mnist --model mlp, $steps steps, evaluated once at the end, --threads $threads"
out=$(mktemp -d)
epochs=$(( steps / 5 ))
for engine in egd djl; do
  for m in vanilla egd; do
    ./egd train --engine "$engine" --task mnist --model mlp --method "$m" --epochs "$epochs" --eval-every "$steps" --stop-after -1 --target 1.0 \
      --threads "$threads" --seed 0 --quiet --out "$out/$engine-$m"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$steps" <<'PY'
import json, sys
out, steps = sys.argv[1], int(sys.argv[2])
rows = {}
print("| engine | method | steps/s (outside evaluation) | ms/step | forward+backward ms | transform ms | update ms | EGD adds | final test acc |")
print("|---|---|---|---|---|---|---|---|---|")
for engine in ("egd", "djl"):
    for m in ("vanilla", "egd"):
        s = json.load(open(f"{out}/{engine}-{m}/summary.json"))
        p = s["phase_seconds"]
        train = p["forward_backward"] + p["transform"] + p["update"]
        rows[engine, m] = train
        adds = "" if m == "vanilla" else f"{100 * (train / rows[engine, 'vanilla'] - 1):+.0f}%"
        print(f"| {engine} | {m} | {steps / train:.1f} | {1000 * train / steps:.2f} | {1000 * p['forward_backward'] / steps:.2f} | "
              f"{1000 * p['transform'] / steps:.2f} | {1000 * p['update'] / steps:.2f} | {adds} | {s['final_test_acc']:.4f} |")
for m in ("vanilla", "egd"):
    print(f"{m}: egd's engine / DJL = {rows['djl', m] / rows['egd', m]:.2f}x steps/s")
PY
rm -rf "$out"
