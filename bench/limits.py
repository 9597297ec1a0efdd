#!/usr/bin/env python3
"""Limit table from JMH results: achieved GFLOP/s and the fraction of this machine's sgemm rate."""
import json
import sys

rows = json.load(open(sys.argv[1]))

# Floating-point work of one step or evaluation (GEMMs only; element-wise work is extra), mod-97 MLP
# batch 512 width 512 (first layer a gather, so no GEMM); the transformer: see docs/performance.md.
P, W, B = 97, 512, 512
MLP_STEP = 3 * 2 * B * W * P                 # forward h W2, backward dW2 and dh
MLP_EGD = MLP_STEP + 2 * 194 * 194 * 512 + 2 * 194 * 194 * 512  # + Gram and U diag(1/s) U^T G
MLP_EVAL = 2 * 4705 * W * P                  # 4,705 test rows through W2
D, H, T = 128, 512, 4                         # transformer width, MLP width, sequence length


def tf_layer_flops(rows):
    # attention in/out projections and the MLP, forward: 2*rows*(D*3D + D*D + 2*D*H)
    return 2 * rows * (3 * D * D + D * D + 2 * D * H)


TF_FWD = tf_layer_flops(B * T) + tf_layer_flops(B)  # last block only at the read-out position
TF_STEP = 3 * TF_FWD + 2 * B * D * 99
TF_EVAL = (4705 / B) * TF_FWD
WORK = {"mlp-vanilla": (MLP_STEP, MLP_EVAL), "mlp-egd": (MLP_EGD, MLP_EVAL),
        "transformer-adam": (TF_STEP, TF_EVAL), "transformer-egd": (TF_STEP, TF_EVAL)}


def us(r):
    return r["primaryMetric"]["score"]  # microseconds per call


peak = None
for r in rows:
    if r["benchmark"].endswith("GemmBench.gemm") and r["params"]["shape"].startswith("peak-512"):
        peak = 2 * 512 ** 3 / (us(r) * 1e-6) / 1e9
if peak:
    print(f"\nsgemm reference rate (512x512x512, one thread): {peak:.1f} GFLOP/s\n")
    print("| GEMM | m x n x k | us/call | GFLOP/s | fraction of the reference |\n|---|---|---|---|---|")
    for r in rows:
        if not r["benchmark"].endswith("GemmBench.gemm"):
            continue
        f = r["params"]["shape"].split(":")
        flops = 2 * int(f[1]) * int(f[2]) * int(f[3])
        g = flops / (us(r) * 1e-6) / 1e9
        print(f"| {f[0]} | {f[1]}x{f[2]}x{f[3]} ({f[4]}{f[5]}) | {us(r):.1f} | {g:.1f} | {g / peak:.0%} |")
steps = [r for r in rows if ".StepBench." in r["benchmark"]]
if steps and peak:
    print("\n| benchmark | GEMM work (MFLOP) | time at the reference rate (us) | measured (us) | achieved fraction |\n|---|---|---|---|---|")
    for r in steps:
        name = r["params"]["setup"]
        kind = r["benchmark"].rsplit(".", 1)[1]
        work = WORK[name][0 if kind == "step" else 1]
        ideal = work / (peak * 1e9) * 1e6
        print(f"| {name} {kind} | {work / 1e6:.0f} | {ideal:.0f} | {us(r):.0f} | {ideal / us(r):.0%} |")
egd = [r for r in rows if ".EgdBench." in r["benchmark"]]
if egd:
    print("\n| EGD variant | shape | us per transform |\n|---|---|---|")
    for r in egd:
        print(f"| {r['params']['variant']} | {r['params']['shape']} | {us(r):.0f} |")
