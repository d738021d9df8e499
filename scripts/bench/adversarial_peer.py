#!/usr/bin/python3
"""PyTorch peer for BenchmarkPGD10MNIST (adversarial/bench_test.go).

PGD-10 (L∞, ε = 0.1, step 0.01, uniform random start, summed cross-entropy)
over MNIST's 10,000 test images against a 784-512-512-10 ReLU MLP, on 2 CPU
threads, followed by the predictions on the result, as adversarial.PGD's
Perturb returns them. The weights need no gradients, as in the Go attack.
Prints the best of --repeat runs in seconds. Run by scripts/bench/adversarial.sh.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join(os.environ.get("MLPREP_DATA", "../shared/data"), "mnist"))
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--batch", type=int, default=10000, help="images per attack call")
args = parser.parse_args()

torch.set_num_threads(2)
torch.manual_seed(1)
with gzip.open(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")) as f:
    x = torch.tensor(np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 784).astype(np.float32) / 255)
with gzip.open(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")) as f:
    y = torch.tensor(np.frombuffer(f.read()[8:], np.uint8).astype(np.int64))

model = torch.nn.Sequential(
    torch.nn.Linear(784, 512), torch.nn.ReLU(),
    torch.nn.Linear(512, 512), torch.nn.ReLU(),
    torch.nn.Linear(512, 10)).eval()
for p in model.parameters():
    p.requires_grad_(False)


def pgd(x, y, eps=0.1, alpha=0.01, steps=10):
    xa = torch.clamp(x + torch.empty_like(x).uniform_(-eps, eps), 0, 1)
    for _ in range(steps):
        xa.requires_grad_(True)
        loss = F.cross_entropy(model(xa), y, reduction="sum")
        (g,) = torch.autograd.grad(loss, xa)
        xa = xa.detach() + alpha * g.sign()
        xa = torch.clamp(x + torch.clamp(xa - x, -eps, eps), 0, 1)
    with torch.no_grad():
        pred = model(xa).argmax(1)
    return xa, pred


def run():
    for lo in range(0, x.shape[0], args.batch):
        pgd(x[lo:lo + args.batch], y[lo:lo + args.batch])


run()  # warm-up: first-touch allocations, thread pool start
best = float("inf")
for _ in range(args.repeat):
    t = time.perf_counter()
    run()
    best = min(best, time.perf_counter() - t)
print(f"{best:.3f}")
