#!/usr/bin/python3
"""Golden values for LoRA on multi-head attention (package lora with
attention.MultiHead), from PyTorch 1.13 (Debian's python3-torch).

The adapter is the LoRA paper's: rank-r factors on the query and value
projections only, W_q + s·B_q·A_q and W_v + s·B_v·A_v, s = lora_alpha / r,
with key and output projections untouched. nn.MultiheadAttention keeps the
three input projections packed in in_proj_weight (3E x E), so the adapted
module is computed as PEFT computes LoRA on nn.MultiheadAttention: the low
rank update is added to in_proj_weight before the forward pass (here into
row blocks 0 and 2 only) and autograd carries the gradients to A and B.
That equals the Hugging Face form with separate q_proj / v_proj Linear
layers, x W_qᵀ + s (x A_qᵀ) B_qᵀ, which is what package lora computes.

Writes lora/testdata/torch_lora_mha.json (the module's state_dict, inputs,
outputs with the adapter on and off, gradients of the inputs and of A and B,
the merged in_proj_weight) and lora/testdata/peft_mha/: the adapter in
PEFT's on-disk format, with target_modules ["q_proj", "v_proj"] and keys
base_model.model.{q,v}_proj.lora_{A,B}.weight.
Run from the module root: /usr/bin/python3 scripts/golden/lora_attention.py
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_ref import write  # noqa: E402

torch.manual_seed(2)
E, H, B, Lq, Lk, r, alpha = 8, 2, 2, 3, 4, 2, 6.0
s = alpha / r
mha = torch.nn.MultiheadAttention(E, H, batch_first=True)
with torch.no_grad():  # non-zero biases, so the test sees them
    mha.in_proj_bias.uniform_(-0.5, 0.5)
    mha.out_proj.bias.uniform_(-0.5, 0.5)
mha.requires_grad_(False)
W = mha.in_proj_weight.detach()
factors = {p: (torch.randn(r, E) * 0.5, torch.randn(E, r) * 0.5) for p in ("q_proj", "v_proj")}
A_q, B_q = (t.clone().requires_grad_(True) for t in factors["q_proj"])
A_v, B_v = (t.clone().requires_grad_(True) for t in factors["v_proj"])
query = torch.randn(B, Lq, E, requires_grad=True)
key = torch.randn(B, Lk, E, requires_grad=True)
value = torch.randn(B, Lk, E, requires_grad=True)
dy = torch.randn(B, Lq, E)


def attend(in_proj_weight):
    out, _ = F.multi_head_attention_forward(
        query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1), E, H,
        in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
        mha.out_proj.weight, mha.out_proj.bias, training=False, need_weights=False)
    return out.transpose(0, 1)


with torch.no_grad():
    base = attend(W)
merged = torch.cat([W[:E] + s * B_q @ A_q, W[E:2 * E], W[2 * E:] + s * B_v @ A_v])
y = attend(merged)
y.backward(dy)


def flat(t):
    return t.detach().flatten().tolist()


out = {
    "torch_version": torch.__version__, "embed_dim": E, "num_heads": H, "batch": B,
    "lq": Lq, "lk": Lk, "r": r, "alpha": alpha,
    "state": {k: {"shape": list(v.shape), "data": flat(v)} for k, v in mha.state_dict().items()},
    "query": flat(query), "key": flat(key), "value": flat(value), "dy": flat(dy),
    "base": flat(base), "adapted": flat(y), "merged_in_proj_weight": flat(merged),
    "dquery": flat(query.grad), "dkey": flat(key.grad), "dvalue": flat(value.grad),
    "grads": {"q_proj.lora_A": flat(A_q.grad), "q_proj.lora_B": flat(B_q.grad),
              "v_proj.lora_A": flat(A_v.grad), "v_proj.lora_B": flat(B_v.grad)},
}
with open("lora/testdata/torch_lora_mha.json", "w") as f:
    json.dump(out, f, indent=1)

d = "lora/testdata/peft_mha"
os.makedirs(d, exist_ok=True)
weights = {}
for p, (a, b) in factors.items():
    weights[f"base_model.model.{p}.lora_A.weight"] = ("F32", list(a.shape), a)
    weights[f"base_model.model.{p}.lora_B.weight"] = ("F32", list(b.shape), b)
write(d + "/adapter_model.safetensors", weights, {"format": "pt"})
# The fields PEFT 0.10's LoraConfig.save_pretrained writes, sorted as it does.
config = {
    "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "multihead-attention-8x2",
    "bias": "none", "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True,
    "layer_replication": None, "layers_pattern": None, "layers_to_transform": None,
    "loftq_config": {}, "lora_alpha": alpha, "lora_dropout": 0.0, "megatron_config": None,
    "megatron_core": "megatron.core", "modules_to_save": None, "peft_type": "LORA", "r": r,
    "rank_pattern": {}, "revision": None, "target_modules": ["q_proj", "v_proj"], "task_type": None,
    "use_dora": False, "use_rslora": False,
}
with open(d + "/adapter_config.json", "w") as f:
    json.dump(config, f, indent=2, sort_keys=True)
