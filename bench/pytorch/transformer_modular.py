#!/usr/bin/env python3
"""PyTorch reference for egd's transformer experiment: the same decoder, data, loop and methods.

Written for side-by-side timing (bench/compare-transformer.sh). Model as in the grokking papers:
token + position embeddings, blocks h = LN1(x); x = h + Attn(h); x = x + MLP(LN2(x)), causal
4-head attention, GELU MLP, final LayerNorm, bias-free head; loss on the last position only.
Adam(betas 0.9, 0.98), lr 1e-3 with 10 warm-up steps, batch 512, validation every epoch.

Prints one JSON line: steps, seconds, steps_per_s (all epochs), steady_steps_per_s (epochs after the
first, so warm-up is left out), and the last validation accuracy.
"""
import argparse, json, math, time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask):
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = h + a
        return x + self.mlp(self.ln2(x))


class Decoder(nn.Module):
    def __init__(self, vocab, dim=128, depth=2, heads=4, seq=4):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, dim), nn.Embedding(seq, dim)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(depth))
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, x):  # x: (seq, batch)
        h = self.tok(x) + self.pos(torch.arange(x.shape[0]).unsqueeze(-1))
        mask = torch.triu(torch.full((x.shape[0], x.shape[0]), float("-inf")), diagonal=1)
        for b in self.blocks:
            h = b(h, mask)
        return self.head(self.ln_f(h))


def data(p, op):
    a = torch.arange(p)
    b = torch.arange(1, p) if op in ("mul", "div") else torch.arange(p)
    a, b = torch.cartesian_prod(a, b).T
    if op == "add":
        c = (a + b) % p
    elif op == "sub":
        c = (a - b) % p
    elif op == "mul":
        c = a * b % p
    else:
        c = a * torch.tensor([pow(int(v), p - 2, p) for v in b]) % p
    return torch.stack([a, torch.full_like(a, p), b, torch.full_like(a, p + 1), c])


def egd_(g, rank=None):
    if rank is None:
        u, s, _ = torch.linalg.svd(g, full_matrices=False)
    else:
        q = torch.randn(g.shape[1], rank)
        for _ in range(2):
            q = torch.linalg.qr(g @ q)[0]
            q = torch.linalg.qr(g.T @ q)[0]
        u, s, _ = torch.linalg.svd(g @ q, full_matrices=False)
    g.copy_((u / s.clamp(min=1e-6)) @ (u.T @ g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--p", type=int, default=97)
    ap.add_argument("--op", default="mul")
    ap.add_argument("--method", default="vanilla", choices=["vanilla", "grokfast-ema", "egd", "egd-rsvd"])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--wd", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    wd = a.wd if a.wd is not None else (0.0 if a.method == "vanilla" else 0.005)
    d = data(a.p, a.op)
    perm = torch.randperm(d.shape[1])
    half = d.shape[1] // 2
    train, valid = d[:, perm[:half]], d[:, perm[half:]]
    model = Decoder(a.p + 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=wd, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda u: 1 if u > 10 else u / 10)
    mlp_weights = [m.weight for b in model.blocks for m in (b.mlp[0], b.mlp[2])]
    ema = None
    steps, acc = 0, 0.0
    t0 = time.perf_counter()
    t1, steps1 = None, 0
    for epoch in range(a.epochs):
        model.train()
        train = train[:, torch.randperm(train.shape[1])]
        for batch in torch.split(train, a.batch, dim=1):
            logits = model(batch[:-1])
            loss = F.cross_entropy(logits[-1], batch[-1])
            opt.zero_grad()
            loss.backward()
            with torch.no_grad():
                if a.method in ("egd", "egd-rsvd"):
                    for w in mlp_weights:
                        egd_(w.grad, None if a.method == "egd" else 36)
                if a.method == "grokfast-ema":
                    gs = [p.grad for p in model.parameters()]
                    ema = [g.clone() for g in gs] if ema is None else ema
                    for e, g in zip(ema, gs):
                        e.mul_(0.98).add_(g, alpha=0.02)
                        g.add_(e, alpha=2.0)
            opt.step()
            sched.step()
            steps += 1
        model.eval()
        with torch.no_grad():
            correct = 0
            for batch in torch.split(valid, a.batch, dim=1):
                correct += (model(batch[:-1])[-1].argmax(-1) == batch[-1]).sum().item()
            acc = correct / valid.shape[1]
        if epoch == 0:
            t1, steps1 = time.perf_counter(), steps
    secs = time.perf_counter() - t0
    steady = (steps - steps1) / (time.perf_counter() - t1) if a.epochs > 1 else float("nan")
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "method": a.method, "steps": steps,
                      "seconds": round(secs, 3), "steps_per_s": round(steps / secs, 3),
                      "steady_steps_per_s": round(steady, 3), "val_acc": acc}))


if __name__ == "__main__":
    main()
