#!/usr/bin/python3
"""PyTorch peer for package lora's training-step benchmark.

One Adam step (forward, cross-entropy, backward, update) of a 784-512-512-10
MLP on a batch of 128: fully fine-tuned, and with LoRA adapters of rank 1 and
8 on its three Linear layers (written out as PEFT's lora.Linear computes them,
base weights frozen with requires_grad=False). Prints milliseconds per step,
best of 3 runs of 20 steps each, as "name ms" lines.
Run: /usr/bin/python3 scripts/bench/lora.py
"""
import math
import time

import torch


class LoraLinear(torch.nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base_layer = base
        self.lora_A = torch.nn.Linear(base.in_features, r, bias=False)
        self.lora_B = torch.nn.Linear(r, base.out_features, bias=False)
        torch.nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        torch.nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base_layer(x) + self.lora_B(self.lora_A(x)) * self.scaling


def model(r):
    m = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                            torch.nn.ReLU(), torch.nn.Linear(512, 10))
    if r:
        for p in m.parameters():
            p.requires_grad_(False)
        for i in (0, 2, 4):
            m[i] = LoraLinear(m[i], r, 2 * r)
    return m


def bench(r, steps=20, repeats=3):
    torch.manual_seed(0)
    m = model(r)
    opt = torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=1e-3)
    x = torch.randn(128, 784)
    y = torch.arange(128) % 10
    best = float("inf")
    for _ in range(repeats + 1):  # the first round warms up
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(m(x), y).backward()
            opt.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return 1000 * best


if __name__ == "__main__":
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, r in (("full", 0), ("lora_r1", 1), ("lora_r8", 8)):
        print(name, f"{bench(r):.2f}")
