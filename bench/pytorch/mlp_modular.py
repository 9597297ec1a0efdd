#!/usr/bin/env python3
"""PyTorch reference for egd's MLP experiment (the EGD paper's main one): a + b mod p, 2-layer ReLU MLP.

Written here for side-by-side timing (bench/compare-mlp.sh); it mirrors egd's defaults: one-hot input
of width 2p, hidden 512 with bias, output p without bias, He-normal init (b1 = 0), SGD lr 0.7 with the
paper's L2 term 0.5*wd*(|W1|^2 + |W2|^2), wd 1e-4, batch 512 (last partial batch dropped), full train
and test evaluation after every epoch, the preconditioner switched off for good once test accuracy
exceeds 0.95. Methods: vanilla, egd (exact: torch.linalg.svd, U diag(1/max(s, 1e-6)) U^T G, the
paper's formula), egd-rsvd (rank 64, 2 power iterations), colnorm, grokfast-ema (alpha 0.98, lambda 2).

Prints one JSON line: epochs and seconds to the target, seconds per epoch (all and steady state).
Threads: pass --threads (torch.set_num_threads) and run with OPENBLAS_NUM_THREADS=1.
"""
import argparse
import json
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", default="egd", choices=["vanilla", "egd", "egd-rsvd", "colnorm", "grokfast-ema"])
    ap.add_argument("--p", type=int, default=97)
    ap.add_argument("--epochs", type=int, default=15000)
    ap.add_argument("--target", type=float, default=0.95)
    ap.add_argument("--stop-after", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--input", default="index", choices=["index", "onehot"],
                    help="index: rows of W1 gathered (as egd does); onehot: dense X @ W1 (the paper's code)")
    ap.add_argument("--rank", type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    p, width, lr, wd, batch = a.p, 512, 0.7, 1e-4, 512

    pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
    labels = (pairs[:, 0] + pairs[:, 1]) % p
    perm = torch.randperm(p * p, generator=torch.Generator().manual_seed(1000 + a.seed))
    ntr = int(p * p * 0.5)
    tr, te = perm[:ntr], perm[ntr:]
    xa, xb, y = pairs[:, 0], pairs[:, 1] + p, labels

    W1 = (torch.randn(2 * p, width) * (2.0 / (2 * p)) ** 0.5).requires_grad_()
    b1 = torch.zeros(width, requires_grad=True)
    W2 = (torch.randn(width, p) * (2.0 / width) ** 0.5).requires_grad_()
    params = [W1, b1, W2]
    onehot = None
    if a.input == "onehot":
        onehot = torch.zeros(p * p, 2 * p)
        onehot[torch.arange(p * p), xa] = 1.0
        onehot[torch.arange(p * p), xb] = 1.0

    def forward(idx):
        if onehot is not None:
            h = torch.relu(onehot[idx] @ W1 + b1)
        else:
            h = torch.relu(W1[xa[idx]] + W1[xb[idx]] + b1)
        return h @ W2

    @torch.no_grad()
    def accuracy(idx):
        correct = 0
        for s in range(0, len(idx), 4096):
            j = idx[s:s + 4096]
            correct += (forward(j).argmax(1) == y[j]).sum().item()
        return correct / len(idx)

    ema = None
    precondition = a.method != "vanilla"
    t0 = time.perf_counter()
    epoch_ends, reached, reached_s, stop_at = [], None, None, None
    steps_per_epoch = ntr // batch
    for epoch in range(1, a.epochs + 1):
        order = tr[torch.randperm(ntr)]
        for b in range(steps_per_epoch):
            idx = order[b * batch:(b + 1) * batch]
            loss = torch.nn.functional.cross_entropy(forward(idx), y[idx]) + 0.5 * wd * (W1.pow(2).sum() + W2.pow(2).sum())
            for q in params:
                q.grad = None
            loss.backward()
            with torch.no_grad():
                if precondition and a.method in ("egd", "egd-rsvd"):
                    G = W1.grad
                    if a.method == "egd":
                        U, S, _ = torch.linalg.svd(G, full_matrices=False)
                    else:
                        Q = torch.randn(G.shape[1], a.rank)
                        for _ in range(2):
                            Q = torch.linalg.qr(G @ Q)[0]
                            Q = torch.linalg.qr(G.T @ Q)[0]
                        U, S, _ = torch.linalg.svd(G @ Q, full_matrices=False)
                    W1.grad = (U / S.clamp(min=1e-6)) @ (U.T @ G)
                elif precondition and a.method == "colnorm":
                    W1.grad = W1.grad / W1.grad.norm(dim=0).clamp(min=0.01)
                elif a.method == "grokfast-ema":
                    grads = [q.grad for q in params]
                    if ema is None:
                        ema = [g.clone() for g in grads]
                    else:
                        for e, g in zip(ema, grads):
                            e.mul_(0.98).add_(g, alpha=0.02)
                    for e, g in zip(ema, grads):
                        g.add_(e, alpha=2.0)
                for q in params:
                    q.sub_(lr * q.grad)
        test = accuracy(te)
        train = accuracy(tr)
        now = time.perf_counter() - t0
        epoch_ends.append(now)
        if test > a.target and reached is None:
            reached, reached_s = epoch, now
            stop_at = epoch + a.stop_after
        if a.method != "grokfast-ema" and test > 0.95:
            precondition = False
        if stop_at is not None and epoch >= stop_at:
            break
    total = epoch_ends[-1]
    steady = (epoch_ends[-1] - epoch_ends[0]) / max(1, len(epoch_ends) - 1)
    print(json.dumps({"impl": "pytorch", "method": a.method, "input": a.input, "epochs_to_target": reached,
                      "seconds_to_target": reached_s, "epochs": len(epoch_ends), "seconds": total,
                      "seconds_per_epoch": total / len(epoch_ends), "steady_seconds_per_epoch": steady,
                      "final_train_acc": train, "final_test_acc": test, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    main()
