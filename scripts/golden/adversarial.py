#!/usr/bin/python3
"""Golden values for adversarial from PyTorch (Debian's python3-torch).

A fixed 64-32-10 ReLU MLP (torch.manual_seed(0), default nn.Linear init, with
input column 5 of the first weight zeroed so that pixel's gradient is exactly
0 and sign(0) = 0 is exercised) attacks the first 8 scikit-learn digits
(pixels / 16, so many sit exactly on the clamp bounds 0 and 1).

Each attack is written out the way the reference implementations
(torchattacks' FGSM, PGD and PGDL2, Madry et al.'s PGD) order their float32
operations, with the loss summed over the batch (reduction="sum") and random
starts drawn here and passed to Go. Every case is also run in float64: the
script fails if a sign decision is so close to zero that float32 rounding
could flip it, which would make the golden value fragile.

Writes adversarial/testdata/torch_attacks.json. Run from the module root:
/usr/bin/python3 scripts/golden/adversarial.py
"""
import json

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
with torch.no_grad():
    model[0].weight[:, 5] = 0
for p in model.parameters():
    p.requires_grad_(False)

digits = load_digits()
x = torch.tensor(digits.data[:8] / 16, dtype=torch.float32)
labels = torch.tensor(digits.target[:8], dtype=torch.long)
targets = (labels + 3) % 10


def input_grad(net, xa, y):
    xa = xa.clone().requires_grad_(True)
    loss = F.cross_entropy(net(xa), y, reduction="sum")
    (g,) = torch.autograd.grad(loss, xa)
    return g


def fgsm(net, x, y, eps, targeted):
    g = input_grad(net, x, y)
    step = -eps if targeted else eps
    return torch.clamp(x + step * g.sign(), 0, 1), [g]


def pgd(net, x, y, norm, eps, alpha, steps, start, targeted):
    """L∞ as Madry et al. and torchattacks.PGD; L2 in torchattacks.PGDL2's order
    (without its +1e-10 on the gradient norm: Go skips a zero gradient instead)."""
    xa = x.clone() if start is None else torch.clamp(x + start, 0, 1)
    a = -alpha if targeted else alpha
    grads = []
    for _ in range(steps):
        g = input_grad(net, xa, y)
        grads.append(g)
        if norm == "linf":
            xa = xa + a * g.sign()
            delta = torch.clamp(xa - x, min=-eps, max=eps)
        else:
            xa = xa + a * (g / torch.norm(g, p=2, dim=1, keepdim=True))
            delta = xa - x
            delta = delta * torch.clamp(eps / torch.norm(delta, p=2, dim=1, keepdim=True), max=1)
        xa = torch.clamp(x + delta, 0, 1)
    return xa, grads


def linf_start(eps):
    return torch.empty_like(x).uniform_(-eps, eps)


def l2_start(eps):
    d = torch.randn_like(x)
    d = d / torch.norm(d, dim=1, keepdim=True)
    return d * torch.rand(x.shape[0], 1) * eps


model64 = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)).double()
model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
cases = []


def add(name, kind, attack, eps, targeted, step=0.0, steps=1, norm="linf", start=None):
    """Runs attack(net, x, y, start) in float32 and float64 and records it."""
    y = targets if targeted else labels
    adv, grads = attack(model, x, y, start)
    adv64, _ = attack(model64, x.double(), y, None if start is None else start.double())
    gap = (adv.double() - adv64).abs().max().item()
    assert gap < 1e-5, f"{name}: float32 and float64 runs differ by {gap}: a fragile sign"
    cases.append({
        "name": name, "norm": norm, "epsilon": eps, "step": step, "steps": steps,
        "targeted": targeted, "kind": kind,
        "start": None if start is None else start.flatten().tolist(),
        "adversarial": adv.flatten().tolist(),
        "smallest_nonzero_grad": min(g[g != 0].abs().min().item() for g in grads),
    })


for eps in (0.1, 0.3):
    add(f"fgsm_eps{eps}", "fgsm", lambda net, xx, y, start, eps=eps: fgsm(net, xx, y, eps, False), eps, False)
add("fgsm_targeted_eps0.2", "fgsm", lambda net, xx, y, start: fgsm(net, xx, y, 0.2, True), 0.2, True)
add("bim_eps0.3", "pgd", lambda net, xx, y, start: pgd(net, xx, y, "linf", 0.3, 0.05, 10, start, False),
    0.3, False, step=0.05, steps=10)
add("pgd_linf_eps0.3_random_start", "pgd", lambda net, xx, y, start: pgd(net, xx, y, "linf", 0.3, 0.05, 10, start, False),
    0.3, False, step=0.05, steps=10, start=linf_start(0.3))
add("pgd_linf_targeted_eps0.2", "pgd", lambda net, xx, y, start: pgd(net, xx, y, "linf", 0.2, 0.03, 8, start, True),
    0.2, True, step=0.03, steps=8, start=linf_start(0.2))
add("pgd_l2_eps1.5_random_start", "pgd", lambda net, xx, y, start: pgd(net, xx, y, "l2", 1.5, 0.3, 10, start, False),
    1.5, False, step=0.3, steps=10, norm="l2", start=l2_start(1.5))

grad = input_grad(model, x, labels)
out = {
    "torch_version": torch.__version__,
    "w1": model[0].weight.flatten().tolist(), "b1": model[0].bias.tolist(),
    "w2": model[2].weight.flatten().tolist(), "b2": model[2].bias.tolist(),
    "sizes": [64, 32, 10],
    "x": x.flatten().tolist(), "labels": labels.tolist(), "targets": targets.tolist(),
    "input_grad": grad.flatten().tolist(),
    "cases": cases,
}
with open("adversarial/testdata/torch_attacks.json", "w") as f:
    json.dump(out, f)
for c in cases:
    print(c["name"], "smallest |grad| entry:", c["smallest_nonzero_grad"])
