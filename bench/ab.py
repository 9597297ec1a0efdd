#!/usr/bin/env python3
"""Alternates old and new egd jars on the same runs; prints medians of s/epoch, the transform phase per step,
and the process CPU time. Usage: ab.py OLD_JARDIR NEW_JARDIR RUNS"""
import json, os, resource, shutil, statistics, subprocess, sys, tempfile, time
old, new, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
cases = {
  "mlp-egd": ["--p", "97", "--method", "egd", "--epochs", "80", "--stop-after", "-1", "--threads", "2"],
  "mlp-vanilla": ["--p", "97", "--method", "vanilla", "--epochs", "200", "--stop-after", "-1", "--threads", "2"],
  "tf-egd": ["--model", "transformer", "--op", "mul", "--method", "egd", "--epochs", "6", "--threads", "2"],
  "tf-vanilla": ["--model", "transformer", "--op", "mul", "--method", "vanilla", "--epochs", "6", "--threads", "2"],
  "mnist-egd": ["--task", "mnist", "--method", "egd", "--epochs", "80", "--stop-after", "-1", "--threads", "2"],
}
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
res = {}
tmp = tempfile.mkdtemp()
def load(): return open("/proc/loadavg").read().split()[:3]
print("load before", load())
for i in range(n):
    for case, args in cases.items():
        for side, jar in (("old", old), ("new", new)) if i % 2 == 0 else (("new", new), ("old", old)):
            out = os.path.join(tmp, f"{case}-{side}-{i}")
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(["java", "-jar", jar + "/egd-cli.jar", "train", *args, "--out", out, "--quiet"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            s = json.load(open(out + "/summary.json"))
            d = res.setdefault((case, side), {"spe": [], "tr": [], "cpu": []})
            d["spe"].append(s["seconds_per_epoch"])
            d["tr"].append(s["phase_seconds"]["transform"] / s["steps_run"])
            d["cpu"].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
            shutil.rmtree(out)
print("load after", load())
print("| case | ms/epoch old | new | new/old | transform ms/step old | new | process CPU s old | new | new/old |")
print("|---|---|---|---|---|---|---|---|---|")
for case in cases:
    o, w = res[(case, "old")], res[(case, "new")]
    m = lambda v: statistics.median(v)
    print(f"| {case} | {1000*m(o['spe']):.1f} | {1000*m(w['spe']):.1f} | {m(w['spe'])/m(o['spe']):.3f} | {1000*m(o['tr']):.3f} | {1000*m(w['tr']):.3f} | {m(o['cpu']):.1f} | {m(w['cpu']):.1f} | {m(w['cpu'])/m(o['cpu']):.3f} |")
