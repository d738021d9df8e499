#!/usr/bin/python3
"""Golden values for the attention package from PyTorch (Debian's python3-torch 1.13).

Writes attention/testdata/multihead.json (nn.MultiheadAttention outputs, weights
and gradients for several configurations), attention/testdata/encoder.json
(nn.TransformerEncoderLayer with norm_first=True) and
attention/testdata/sinusoidal.json. Every tensor is {"shape": [...], "data": [...]}
(row-major), the layout attention.Flat decodes. Masks are written twice: as
PyTorch got them ("attn_mask", "key_padding_mask": True = blocked) and converted
to the Go package's convention ("allow", "allow_keys": True = allowed; a float
attn_mask of shape (B·H, Lq, Lk) becomes "attn_bias" of shape (B, H, Lq, Lk)).
Run from the module root: /usr/bin/python3 scripts/golden/attention.py
"""
import json
import math
import torch

torch.manual_seed(0)


def flat(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "data": [bool(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "data": t.float().flatten().tolist()}


def state(module):
    return {k: flat(v) for k, v in module.state_dict().items()}


def mha_case(name, E=16, H=4, B=2, Lq=5, Lk=5, kdim=None, vdim=None, bias=True,
             self_attn=True, attn_mask=None, key_padding_mask=None, average=True):
    m = torch.nn.MultiheadAttention(E, H, bias=bias, kdim=kdim, vdim=vdim, batch_first=True)
    # Non-zero biases so the golden values test them too.
    with torch.no_grad():
        for k, p in m.named_parameters():
            if k.endswith("bias"):
                p.normal_(0, 0.1)
    q = torch.randn(B, Lq, E, requires_grad=True)
    if self_attn:
        k = v = q
    else:
        k = torch.randn(B, Lk, kdim or E, requires_grad=True)
        v = torch.randn(B, Lk, vdim or E, requires_grad=True)
    out, w = m(q, k, v, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
               need_weights=True, average_attn_weights=average)
    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    case = {
        "name": name, "embed_dim": E, "num_heads": H, "kdim": kdim or E, "vdim": vdim or E,
        "bias": bias, "self_attention": self_attn, "average_weights": average,
        "state": state(m), "query": flat(q), "out": flat(out), "weights": flat(w),
        "probe": flat(probe), "grad_query": flat(q.grad),
        "grads": {k: flat(p.grad) for k, p in m.named_parameters()},
    }
    if not self_attn:
        case.update(key=flat(k), value=flat(v), grad_key=flat(k.grad), grad_value=flat(v.grad))
    if attn_mask is not None:
        case["attn_mask"] = flat(attn_mask)
        if attn_mask.dtype == torch.bool:
            case["allow"] = flat(~attn_mask)
        else:
            case["attn_bias"] = flat(attn_mask.reshape(B, H, Lq, Lk))
    if key_padding_mask is not None:
        case["key_padding_mask"] = flat(key_padding_mask)
        case["allow_keys"] = flat(~key_padding_mask)
    return case


cases = [
    mha_case("self"),
    mha_case("self_per_head", average=False),
    mha_case("causal", attn_mask=torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)),
    mha_case("cross_bool_masks", Lq=4, Lk=6, self_attn=False,
             attn_mask=torch.tensor([[0, 1, 0, 0, 1, 0], [0, 0, 0, 1, 0, 0],
                                     [1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]], dtype=torch.bool),
             key_padding_mask=torch.tensor([[0, 0, 0, 0, 0, 1], [0, 0, 1, 0, 1, 1]], dtype=torch.bool),
             average=False),
    # A float mask per (batch, head) pair: PyTorch's (B·H, Lq, Lk) is (B, H, Lq, Lk) in memory.
    mha_case("cross_additive_mask", Lq=4, Lk=6, self_attn=False, attn_mask=torch.randn(2 * 4, 4, 6)),
    mha_case("kdim_vdim", Lq=3, Lk=7, kdim=12, vdim=10, self_attn=False,
             key_padding_mask=torch.tensor([[0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 1, 1]], dtype=torch.bool)),
    mha_case("no_bias", E=24, H=3, bias=False, Lq=6, Lk=6),
]

enc_cases = []
for act in ("relu", "gelu"):
    layer = torch.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0, activation=act,
                                             batch_first=True, norm_first=True)
    with torch.no_grad():
        for k, p in layer.named_parameters():
            if k.startswith("norm"):
                p.add_(0.1 * torch.randn_like(p))
            elif k.endswith("bias"):
                p.normal_(0, 0.1)
    x = torch.randn(2, 6, 16, requires_grad=True)
    pad = torch.tensor([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1]], dtype=torch.bool)
    y = layer(x, src_key_padding_mask=pad)
    probe = torch.randn_like(y)
    (y * probe).sum().backward()
    enc_cases.append({
        "activation": act, "embed_dim": 16, "num_heads": 4, "ff_dim": 32,
        "state": state(layer), "x": flat(x), "key_padding_mask": flat(pad), "allow_keys": flat(~pad),
        "out": flat(y),
        "probe": flat(probe), "grad_x": flat(x.grad),
        "grads": {k: flat(p.grad) for k, p in layer.named_parameters()},
    })

L, D = 12, 16
position = torch.arange(L, dtype=torch.float64).unsqueeze(1)
div = torch.exp(torch.arange(0, D, 2, dtype=torch.float64) * (-math.log(10000.0) / D))
pe = torch.zeros(L, D, dtype=torch.float64)
pe[:, 0::2] = torch.sin(position * div)
pe[:, 1::2] = torch.cos(position * div)

meta = {"torch_version": torch.__version__}
for path, body in (("multihead.json", {"cases": cases}), ("encoder.json", {"cases": enc_cases}),
                   ("sinusoidal.json", {"pe": flat(pe)})):
    with open("attention/testdata/" + path, "w") as f:
        json.dump({**meta, **body}, f)
