#!/usr/bin/python3
"""PyTorch peer for package lora's attention-step benchmark.

One Adam step (forward, backward against a fixed output gradient, update) of
nn.TransformerEncoderLayer(256, 4, 1024, dropout=0, batch_first=True,
norm_first=True) on a batch of 8 sequences of 64 tokens: fully fine-tuned,
and frozen with LoRA adapters of rank 8 (lora_alpha 16) on the query and
value projections only. nn.MultiheadAttention has no q/v Linear to wrap, so
the adapters enter as PEFT makes LoRA enter that module: the update is added
to in_proj_weight (rows of W_q and W_v here) before the forward pass, and
autograd carries the gradients to A and B. One thread, as the Go side
(go test -cpu 1). Prints milliseconds per step, best of N runs (argument,
default 3) of 10 steps each, as "name ms" lines.
Run: /usr/bin/python3 scripts/bench/lora_attention.py [N]
"""
import math
import sys
import time

import torch

E, HEADS, FF, BATCH, LENGTH = 256, 4, 1024, 8, 64


class QVLoRA(torch.nn.Module):
    """Rank-r adapters on the query and value rows of a packed in_proj_weight."""

    def __init__(self, mha, r, alpha):
        super().__init__()
        self.mha = mha
        self.base = mha.in_proj_weight
        del mha.in_proj_weight  # recomputed before every forward pass, as PEFT does
        self.A = torch.nn.ParameterList(torch.nn.Parameter(torch.empty(r, E)) for _ in range(2))
        self.B = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(E, r)) for _ in range(2))
        for a in self.A:
            torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.scaling = alpha / r

    def merge(self):
        w = self.base
        q = w[:E] + self.scaling * self.B[0] @ self.A[0]
        v = w[2 * E:] + self.scaling * self.B[1] @ self.A[1]
        self.mha.in_proj_weight = torch.cat([q, w[E:2 * E], v])


def bench(r, steps=10, repeats=3):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(E, HEADS, FF, dropout=0.0, batch_first=True, norm_first=True)
    lora = None
    if r:
        layer.requires_grad_(False)
        lora = QVLoRA(layer.self_attn, r, 2 * r)
    params = [p for p in layer.parameters() if p.requires_grad] + (list(lora.parameters()) if lora else [])
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.randn(BATCH, LENGTH, E)
    dy = torch.randn(BATCH, LENGTH, E)
    best = float("inf")
    for _ in range(repeats + 1):  # the first round warms up
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            if lora:
                lora.merge()
            layer(x).backward(dy)
            opt.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return 1000 * best


if __name__ == "__main__":
    torch.set_num_threads(1)
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    for name, r in (("attn_full", 0), ("attn_lora_r8", 8)):
        print(name, f"{bench(r, repeats=repeats):.2f}")
