#!/usr/bin/env bash
# Runs a fixed set of short runs with the egd jar in $1, writing their metrics.csv/spectrum.csv under $2.
# Used to check that a refactor keeps metrics byte-identical.
set -u
jar="$1/egd-cli.jar"; out="$2"; mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
run() { name=$1; shift; d="$out/$name"; rm -rf "$d"; 
  java -jar "$jar" train "$@" --out "$d" --quiet > "$out/$name.log" 2>&1; echo "$name rc=$?"; }
run mod97-egd-t2 --p 97 --method egd --seed 0 --epochs 140 --stop-after 0 --threads 2
run mod97-egd-t1 --p 97 --method egd --seed 1 --epochs 60 --stop-after 0 --threads 1
run mod97-rsvd --p 97 --method egd-rsvd --seed 0 --epochs 40 --threads 2
run mod97-vanilla --p 97 --method vanilla --seed 0 --epochs 40 --threads 2
run mod97-colnorm --p 97 --method colnorm --seed 0 --epochs 40 --threads 2
run mod97-ema --p 97 --method grokfast-ema --seed 0 --epochs 40 --threads 2
run mod97-ma --p 97 --method grokfast-ma --seed 0 --epochs 40 --threads 2
run mod97-combo --p 97 --method egd+grokfast-ema --seed 2 --epochs 40 --threads 2 --switch-off 0.5 --switch-off-mode recheck
run mod97-spec --p 97 --method egd --seed 0 --epochs 30 --threads 2 --log-spectrum --spectrum-every 5
run mod97-adamw --p 23 --method egd --optimizer adamw --lr 1e-3 --wd 0.1 --seed 0 --epochs 30 --threads 1 --batch 64
run parity-100-3 --task parity --n 100 --k 3 --method egd --seed 0 --epochs 60 --threads 1
run parity-50-4 --task parity --n 50 --k 4 --method egd --seed 0 --epochs 40 --threads 2
run parity-rsvd --task parity --n 100 --k 3 --method egd-rsvd --rank 10 --seed 0 --epochs 30 --threads 1
run parity-hinge --task parity --n 50 --k 4 --method vanilla --loss hinge --seed 0 --epochs 30 --threads 1
run tf-egd --model transformer --op mul --p 97 --method egd --seed 0 --epochs 4 --threads 2
run tf-ema --model transformer --op mul --p 97 --method grokfast-ema --seed 0 --epochs 4 --threads 2
run tf-vanilla --model transformer --op add --p 23 --method vanilla --seed 1 --epochs 20 --threads 1 --depth 1 --batch 64
run mnist-egd --task mnist --method egd --seed 0 --epochs 80 --threads 2
run mnist-rsvd --task mnist --method egd-rsvd --seed 0 --epochs 60 --threads 2
run mnist-ema --task mnist --method grokfast-ema --seed 0 --epochs 60 --threads 1 --loss cross-entropy --activation gelu
run mnist-vanilla --task mnist --method vanilla --seed 1 --epochs 40 --threads 2 --activation tanh --eval-every 20
