#!/usr/bin/env bash
# Side by side: egd's MLP experiment (a + b mod 97, the EGD paper's main one) against the PyTorch
# reference written here (bench/pytorch/mlp_modular.py): same model, data sizes, optimizer, batch and
# per-epoch evaluation, run alternately on this machine. Prints per-run JSON, then medians and ratios
# of seconds per epoch (all, and steady state: after the first epoch) and of time to 95% test accuracy.
#
# Needs Debian's PyTorch and OpenBLAS (without libopenblas, Debian's torch falls back to the reference
# BLAS and runs ~5x slower):  apt-get install python3-torch libopenblas0-pthread
# Threads: egd uses 2 Java threads (OpenBLAS pinned to 1); PyTorch gets torch.set_num_threads(2) and
# OPENBLAS_NUM_THREADS=1, so both sides use both cores and neither oversubscribes them.
#
# Usage: bench/compare-mlp.sh [runs=3] [methods="vanilla egd egd-rsvd colnorm grokfast-ema"] [vanilla epoch cap=300]
#   vanilla and grokfast-ema take thousands of epochs to grok; they are capped (per-epoch time only)
#   unless the cap is raised to 15000.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-3}; methods=${2:-"vanilla egd egd-rsvd colnorm grokfast-ema"}; cap=${3:-300}
py=/usr/bin/python3
"$py" -c "import torch" 2>/dev/null || { echo "PyTorch missing: apt-get install python3-torch libopenblas0-pthread" >&2; exit 1; }
"$root/egd" --version >/dev/null
out=$(mktemp -d)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for m in $methods; do
  epochs=15000
  case "$m" in vanilla|grokfast-ema) epochs=$cap ;; esac
  for r in $(seq 1 "$runs"); do
    "$root/egd" train --p 97 --method "$m" --epochs "$epochs" --stop-after 0 --threads 2 --seed "$r" --out "$out/egd-$m-$r" --quiet
    "$py" - "$out/egd-$m-$r" <<'PY' >> "$out/results.jsonl"
import csv, json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
t = [float(r["seconds"]) for r in csv.DictReader(open(sys.argv[1] + "/timing.csv"))]
print(json.dumps({"impl": "egd", "method": s["method"], "epochs_to_target": s["epochs_to_target"],
                  "seconds_to_target": s["seconds_to_target"], "epochs": s["epochs_run"], "seconds": s["seconds_total"],
                  "seconds_per_epoch": s["seconds_per_epoch"], "steady_seconds_per_epoch": (t[-1] - t[0]) / max(1, len(t) - 1)}))
PY
    OPENBLAS_NUM_THREADS=1 "$py" "$root/bench/pytorch/mlp_modular.py" --method "$m" --epochs "$epochs" --seed "$r" --threads 2 \
      >> "$out/results.jsonl"
    tail -2 "$out/results.jsonl"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$out/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(m, impl, key):
    v = [r[key] for r in rows if r["method"] == m and r["impl"] == impl and r[key] is not None]
    return statistics.median(v) if v else None
def f(v, fmt):
    return "-" if v is None else format(v, fmt)
print("\nmedians of the runs above; ratio = PyTorch / egd (above 1: egd is faster)")
print("| method | ms/epoch egd | PyTorch | ratio | steady egd | PyTorch | ratio | epochs to 95% egd | PyTorch | s to 95% egd | PyTorch | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for m in dict.fromkeys(r["method"] for r in rows):
    e, t = med(m, "egd", "seconds_per_epoch"), med(m, "pytorch", "seconds_per_epoch")
    es, ts = med(m, "egd", "steady_seconds_per_epoch"), med(m, "pytorch", "steady_seconds_per_epoch")
    ee, te = med(m, "egd", "epochs_to_target"), med(m, "pytorch", "epochs_to_target")
    se, st = med(m, "egd", "seconds_to_target"), med(m, "pytorch", "seconds_to_target")
    print(f"| {m} | {1000*e:.1f} | {1000*t:.1f} | {t/e:.2f}x | {1000*es:.1f} | {1000*ts:.1f} | {ts/es:.2f}x | {f(ee, '.0f')} | {f(te, '.0f')} | "
          f"{f(se, '.2f')} | {f(st, '.2f')} | {f(None if se is None or st is None else st / se, '.2f')}{'' if se is None or st is None else 'x'} |")
PY
