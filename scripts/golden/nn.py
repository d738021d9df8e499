#!/usr/bin/python3
"""Golden values for internal/nn from PyTorch (Debian's python3-torch).

Writes internal/nn/testdata/torch_golden.json: cross-entropy with label
smoothing (loss and gradient), GELU and its gradient, and five steps of SGD
(momentum, Nesterov, weight decay), Adam and AdamW on fixed parameters and
gradients. Run from the module root: /usr/bin/python3 scripts/golden/nn.py
"""
import json
import torch

torch.manual_seed(0)
out = {"torch_version": torch.__version__}

logits = torch.randn(5, 4, dtype=torch.float64)
labels = torch.tensor([0, 3, 1, 1, 2])
ce = []
for eps in (0.0, 0.1):
    x = logits.clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(x, labels, label_smoothing=eps)
    loss.backward()
    ce.append({"smoothing": eps, "loss": loss.item(), "grad": x.grad.flatten().tolist()})
out["cross_entropy"] = {"logits": logits.flatten().tolist(), "labels": labels.tolist(), "cases": ce}

x = torch.linspace(-4, 4, 17, dtype=torch.float64).requires_grad_(True)
y = torch.nn.functional.gelu(x)
y.sum().backward()
out["gelu"] = {"x": x.detach().tolist(), "y": y.detach().tolist(), "grad": x.grad.tolist()}

w0 = torch.randn(6, dtype=torch.float32)
grads = [torch.randn(6, dtype=torch.float32) for _ in range(5)]
opts = {
    "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: torch.optim.Adam([p], lr=0.01, weight_decay=0.05),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.05),
}
steps = {}
for name, make in opts.items():
    p = torch.nn.Parameter(w0.clone())
    opt = make(p)
    traj = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        traj.append(p.detach().tolist())
    steps[name] = traj
out["optim"] = {"w0": w0.tolist(), "grads": [g.tolist() for g in grads], "steps": steps}

with open("internal/nn/testdata/torch_golden.json", "w") as f:
    json.dump(out, f, indent=1)
