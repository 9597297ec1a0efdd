#!/usr/bin/env bash
# Side by side: egd's transformer against the PyTorch reference (bench/pytorch/transformer_modular.py),
# same model, data, optimizer, batch and per-epoch validation, run alternately on this machine.
# Prints steps/s per run, the medians and the ratios: over all epochs, and steady state (epochs after
# the first, leaving out both sides' warm-up: JIT compilation, allocator).
#
# Needs Debian's PyTorch and OpenBLAS (without libopenblas, Debian's torch falls back to the reference
# BLAS and runs ~5x slower):  apt-get install python3-torch libopenblas0-pthread
# Threads: egd uses 2 Java threads (OpenBLAS pinned to 1); PyTorch gets torch.set_num_threads(2) and
# OPENBLAS_NUM_THREADS=1, so neither side oversubscribes the cores.
#
# Usage: bench/compare-transformer.sh [runs=3] [epochs=20] [methods="vanilla grokfast-ema egd"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-3}; epochs=${2:-20}; methods=${3:-"vanilla grokfast-ema egd"}
py=/usr/bin/python3
"$py" -c "import torch" 2>/dev/null || { echo "PyTorch missing: apt-get install python3-torch libopenblas0-pthread" >&2; exit 1; }
"$root/egd" --version >/dev/null
out=$(mktemp -d)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for m in $methods; do
  for r in $(seq 1 "$runs"); do
    "$root/egd" train --model transformer --op mul --p 97 --method "$m" --epochs "$epochs" --stop-after 0 --threads 2 \
      --seed "$r" --out "$out/egd-$m-$r" --quiet
    "$py" - "$out/egd-$m-$r" <<'PY' >> "$out/results.jsonl"
import csv, json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
t = [(int(r["epoch"]), float(r["seconds"])) for r in csv.DictReader(open(sys.argv[1] + "/timing.csv"))]
m = [(int(r["epoch"]), int(r["step"])) for r in csv.DictReader(open(sys.argv[1] + "/metrics.csv"))]
steady = (m[-1][1] - m[0][1]) / (t[-1][1] - t[0][1])
print(json.dumps({"impl": "egd", "method": s["method"], "steps": s["steps_run"], "seconds": s["seconds_total"],
                  "steps_per_s": s["steps_run"] / s["seconds_total"], "steady_steps_per_s": steady}))
PY
    OPENBLAS_NUM_THREADS=1 "$py" "$root/bench/pytorch/transformer_modular.py" --method "$m" --epochs "$epochs" --seed "$r" \
      --threads 2 >> "$out/results.jsonl"
    tail -2 "$out/results.jsonl"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$out/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\nsteps/s with per-epoch validation, medians of the runs above")
print("| method | egd, all epochs | PyTorch, all epochs | ratio | egd, steady | PyTorch, steady | ratio |")
print("|---|---|---|---|---|---|---|")
for m in dict.fromkeys(r["method"] for r in rows):
    med = lambda impl, key: statistics.median(r[key] for r in rows if r["method"] == m and r["impl"] == impl)
    e, t = med("egd", "steps_per_s"), med("pytorch", "steps_per_s")
    es, ts = med("egd", "steady_steps_per_s"), med("pytorch", "steady_steps_per_s")
    print(f"| {m} | {e:.1f} | {t:.1f} | {e / t:.2f}x | {es:.1f} | {ts:.1f} | {es / ts:.2f}x |")
PY
