#!/usr/bin/python3
"""Golden values for package lora from PyTorch 1.13 (Debian's python3-torch).

PEFT is not installed here, so the LoRA layer is written out as PEFT's
lora.Linear computes it: y = base(x) + lora_B(lora_A(dropout(x))) * scaling,
scaling = lora_alpha / r (or / sqrt(r) with use_rslora), lora_A an r x in
nn.Linear without bias, lora_B out x r.

Writes lora/testdata/torch_lora.json (forward, gradients and merged weight of
one layer, with and without rsLoRA) and lora/testdata/peft_mlp/: a base MLP's
weights (model.safetensors), an adapter directory in PEFT's on-disk format
(adapter/adapter_config.json as PEFT 0.x writes it, adapter/
adapter_model.safetensors with PEFT's key names, written by the independent
writer of scripts/golden/safetensors_ref.py), and the adapted model's
outputs on fixed inputs with the adapter on and off.
Run from the module root: /usr/bin/python3 scripts/golden/lora.py
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_ref import write  # noqa: E402

torch.manual_seed(0)
out = {"torch_version": torch.__version__}

# One layer: in=5, out=4, r=2, lora_alpha=6, batch 3.
n_in, n_out, r, alpha = 5, 4, 2, 6.0
W = torch.randn(n_out, n_in)
b = torch.randn(n_out)
A = torch.randn(r, n_in)
B = torch.randn(n_out, r)
x0 = torch.randn(3, n_in)
dy = torch.randn(3, n_out)
cases = []
for rslora in (False, True):
    scaling = alpha / math.sqrt(r) if rslora else alpha / r
    base = torch.nn.Linear(n_in, n_out)
    lora_A = torch.nn.Linear(n_in, r, bias=False)
    lora_B = torch.nn.Linear(r, n_out, bias=False)
    with torch.no_grad():
        base.weight.copy_(W)
        base.bias.copy_(b)
        lora_A.weight.copy_(A)
        lora_B.weight.copy_(B)
    base.weight.requires_grad_(False)
    base.bias.requires_grad_(False)
    x = x0.clone().requires_grad_(True)
    y = base(x) + lora_B(lora_A(x)) * scaling
    y.backward(dy)
    merged = W + (B @ A) * scaling
    cases.append({"rslora": rslora, "scaling": scaling, "y": y.detach().flatten().tolist(),
                  "dx": x.grad.flatten().tolist(), "dA": lora_A.weight.grad.flatten().tolist(),
                  "dB": lora_B.weight.grad.flatten().tolist(), "merged": merged.flatten().tolist()})
out["linear"] = {"in": n_in, "out": n_out, "r": r, "alpha": alpha, "batch": 3,
                 "W": W.flatten().tolist(), "b": b.tolist(), "A": A.flatten().tolist(),
                 "B": B.flatten().tolist(), "x": x0.flatten().tolist(), "dy": dy.flatten().tolist(),
                 "cases": cases}
with open("lora/testdata/torch_lora.json", "w") as f:
    json.dump(out, f, indent=1)

# A PEFT adapter on a 6-5-4-3 MLP, targets "0" and "4" (the first and last
# Linear of nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)).
torch.manual_seed(1)
mlp = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4),
                          torch.nn.ReLU(), torch.nn.Linear(4, 3))
r, alpha, targets = 2, 4.0, ["0", "4"]
adapter = {}
for t in targets:
    layer = mlp[int(t)]
    adapter[t] = (torch.randn(r, layer.in_features) * 0.5, torch.randn(layer.out_features, r) * 0.5)
xs = torch.randn(4, 6)
with torch.no_grad():
    base_out = mlp(xs)
    h = xs
    for i, layer in enumerate(mlp):
        y = layer(h)
        if str(i) in adapter:
            a, bb = adapter[str(i)]
            y = y + (h @ a.T @ bb.T) * (alpha / r)
        h = y
    adapted_out = h

d = "lora/testdata/peft_mlp"
os.makedirs(d + "/adapter", exist_ok=True)
write(d + "/model.safetensors",
      {k: ("F32", list(v.shape), v) for k, v in mlp.state_dict().items()}, {"format": "pt"})
weights = {}
for t, (a, bb) in adapter.items():
    weights[f"base_model.model.{t}.lora_A.weight"] = ("F32", list(a.shape), a)
    weights[f"base_model.model.{t}.lora_B.weight"] = ("F32", list(bb.shape), bb)
write(d + "/adapter/adapter_model.safetensors", weights, {"format": "pt"})
# The fields PEFT 0.10's LoraConfig.save_pretrained writes, sorted as it does.
config = {
    "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "mlp-6-5-4-3",
    "bias": "none", "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True,
    "layer_replication": None, "layers_pattern": None, "layers_to_transform": None,
    "loftq_config": {}, "lora_alpha": alpha, "lora_dropout": 0.0, "megatron_config": None,
    "megatron_core": "megatron.core", "modules_to_save": None, "peft_type": "LORA", "r": r,
    "rank_pattern": {}, "revision": None, "target_modules": targets, "task_type": None,
    "use_dora": False, "use_rslora": False,
}
with open(d + "/adapter/adapter_config.json", "w") as f:
    json.dump(config, f, indent=2, sort_keys=True)
with open(d + "/outputs.json", "w") as f:
    json.dump({"x": xs.flatten().tolist(), "base": base_out.flatten().tolist(),
               "adapted": adapted_out.flatten().tolist()}, f, indent=1)
