#!/usr/bin/env bash
# Side by side: egd's transformer against the PyTorch reference (bench/pytorch/transformer_modular.py),
# same model, data, optimizer, batch and per-epoch validation, run alternately on this machine.
# Prints steps/s per run, the medians and the ratio.
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
    "$py" - "$out/egd-$m-$r/summary.json" <<'PY' >> "$out/results.jsonl"
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps({"impl": "egd", "method": s["method"], "steps": s["steps_run"], "seconds": s["seconds_total"],
                  "steps_per_s": s["steps_run"] / s["seconds_total"]}))
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
print("\n| method | egd steps/s (median) | PyTorch steps/s (median) | ratio |")
print("|---|---|---|---|")
for m in dict.fromkeys(r["method"] for r in rows):
    e = statistics.median(r["steps_per_s"] for r in rows if r["method"] == m and r["impl"] == "egd")
    t = statistics.median(r["steps_per_s"] for r in rows if r["method"] == m and r["impl"] == "pytorch")
    print(f"| {m} | {e:.1f} | {t:.1f} | {e / t:.2f}x |")
PY
