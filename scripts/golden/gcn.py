#!/usr/bin/python3
"""Golden values for gcn from PyTorch (Debian's python3-torch 1.13).

PyTorch Geometric is not installed here, so this script re-implements the
parts of PyG that gcn follows, in plain torch, step by step as PyG does them
(torch_geometric 2.x, nn/conv/gcn_conv.py, utils/undirected.py, utils/loop.py,
nn/conv/sage_conv.py):

* to_undirected: concatenate (src, dst) with (dst, src), then coalesce, which
  sorts the edges and merges duplicates into one.
* gcn_norm with add_self_loops=True and no edge weights:
  add_remaining_self_loops drops every existing self-loop and appends one
  loop (weight 1) per node; the degree is the sum of edge weights at the
  target (edge_index[1], flow "source_to_target"); an edge j→i gets weight
  deg[j]^-1/2 · deg[i]^-1/2; messages are summed at the target.
* GCNConv: x @ lin.weight.T, propagated, plus bias.
* SAGEConv (mean): lin_l(mean of in-neighbours' x) + lin_r(x), lin_r without
  bias; nodes with no in-neighbour aggregate to zero.
* Message passing with sum / mean / max: torch.scatter_reduce with
  include_self=False over the coalesced edges (no self-loops), zero for nodes
  without messages.

The test graph has a duplicated edge, an edge given in both directions, a
self-loop, and an isolated node. Writes gcn/testdata/torch_golden.json; run
from the module root: /usr/bin/python3 scripts/golden/gcn.py
"""
import json

import torch

torch.manual_seed(0)
N = 7
# (from, to): 0→1 twice, 1→0 (reverse of 0→1), 2→2 self-loop, 3→4 only one
# way, node 6 isolated.
EDGES = [(0, 1), (0, 1), (1, 0), (1, 2), (2, 2), (2, 3), (3, 4), (4, 5), (5, 0), (2, 5)]
out = {"torch_version": torch.__version__, "nodes": N, "edges": EDGES}


def coalesce(ei):
    return torch.unique(ei, dim=1)  # sorted by (row, col), duplicates merged


def to_undirected(ei):
    return coalesce(torch.cat([ei, ei.flip(0)], dim=1))


def gcn_norm(ei, n):
    ei = ei[:, ei[0] != ei[1]]
    loop = torch.arange(n)
    ei = torch.cat([ei, torch.stack([loop, loop])], dim=1)
    w = torch.ones(ei.size(1), dtype=torch.float64)
    deg = torch.zeros(n, dtype=torch.float64).scatter_add_(0, ei[1], w)
    dinv = deg.pow(-0.5)
    dinv[dinv == float("inf")] = 0
    return ei, dinv[ei[0]] * w * dinv[ei[1]]


def propagate(ei, w, x):
    """Σ over edges j→i of w · x[j], at i."""
    out = torch.zeros(N, x.size(1), dtype=x.dtype)
    return out.index_add(0, ei[1], w.unsqueeze(1) * x[ei[0]])


def dense(ei, w):
    a = torch.zeros(N, N, dtype=torch.float64)
    a.index_put_((ei[1], ei[0]), w, accumulate=True)  # row = target
    return a


raw = torch.tensor(EDGES).t()
graphs = {"undirected": to_undirected(raw), "directed": coalesce(raw)}
out["normalized"] = {}
for name, ei in graphs.items():
    nei, w = gcn_norm(ei, N)
    out["normalized"][name] = dense(nei, w).flatten().tolist()

# One GCNConv layer, forward and backward, on both graphs.
IN, OUT = 5, 3
x0 = torch.randn(N, IN, dtype=torch.float64)
w0 = torch.randn(OUT, IN, dtype=torch.float64)
b0 = torch.randn(OUT, dtype=torch.float64)
r = torch.randn(N, OUT, dtype=torch.float64)
out["conv"] = {"x": x0.flatten().tolist(), "weight": w0.flatten().tolist(), "bias": b0.tolist(),
               "probe": r.flatten().tolist(), "in": IN, "out": OUT, "cases": {}}
for name, ei in graphs.items():
    nei, nw = gcn_norm(ei, N)
    x, w, b = (t.clone().requires_grad_(True) for t in (x0, w0, b0))
    y = propagate(nei, nw, x @ w.t()) + b
    (y * r).sum().backward()
    out["conv"]["cases"][name] = {"y": y.detach().flatten().tolist(), "dx": x.grad.flatten().tolist(),
                                  "dweight": w.grad.flatten().tolist(), "dbias": b.grad.tolist()}

# Generic aggregation over the undirected graph's edges (no self-loops).
ei = graphs["undirected"]
ei = ei[:, ei[0] != ei[1]]
out["aggregate"] = {}
for aggr, reduce in (("sum", "sum"), ("mean", "mean"), ("max", "amax")):
    x = x0.clone().requires_grad_(True)
    idx = ei[1].unsqueeze(1).expand(-1, IN)
    y = torch.zeros(N, IN, dtype=torch.float64).scatter_reduce(0, idx, x[ei[0]], reduce, include_self=False)
    rr = r[:, :1].expand(N, IN) * torch.linspace(0.5, 1.5, IN, dtype=torch.float64)
    (y * rr).sum().backward()
    out["aggregate"][aggr] = {"y": y.detach().flatten().tolist(), "dx": x.grad.flatten().tolist(),
                              "probe": rr.flatten().tolist()}

# SAGEConv (mean) on the directed graph, so in-neighbours matter.
ei = graphs["directed"]
ei = ei[:, ei[0] != ei[1]]
wl0 = torch.randn(OUT, IN, dtype=torch.float64)
bl0 = torch.randn(OUT, dtype=torch.float64)
wr0 = torch.randn(OUT, IN, dtype=torch.float64)
x, wl, bl, wr = (t.clone().requires_grad_(True) for t in (x0, wl0, bl0, wr0))
cnt = torch.zeros(N, dtype=torch.float64).index_add(0, ei[1], torch.ones(ei.size(1), dtype=torch.float64))
agg = torch.zeros(N, IN, dtype=torch.float64).index_add(0, ei[1], x[ei[0]]) / cnt.clamp(min=1).unsqueeze(1)
y = agg @ wl.t() + bl + x @ wr.t()
(y * r).sum().backward()
out["sage"] = {"lin_weight": wl0.flatten().tolist(), "lin_bias": bl0.tolist(), "root_weight": wr0.flatten().tolist(),
               "y": y.detach().flatten().tolist(), "dx": x.grad.flatten().tolist(),
               "dlin_weight": wl.grad.flatten().tolist(), "dlin_bias": bl.grad.tolist(),
               "droot_weight": wr.grad.flatten().tolist()}

# The two-layer model without dropout: logits, masked cross-entropy and every
# parameter's gradient, with sparse 0/1 features.
F, H, C = 6, 4, 3
feat = (torch.rand(N, F) < 0.4).double()
feat[6] = 0
feat[6, 2] = 1
labels = torch.tensor([0, 1, 2, 0, 1, 2, 0])
train = torch.tensor([0, 2, 4, 6])
params = [torch.randn(H, F, dtype=torch.float64), torch.randn(H, dtype=torch.float64),
          torch.randn(C, H, dtype=torch.float64), torch.randn(C, dtype=torch.float64)]
ps = [p.clone().requires_grad_(True) for p in params]
nei, nw = gcn_norm(graphs["undirected"], N)
h = torch.relu(propagate(nei, nw, feat @ ps[0].t()) + ps[1])
logits = propagate(nei, nw, h @ ps[2].t()) + ps[3]
loss = torch.nn.functional.cross_entropy(logits[train], labels[train])
loss.backward()
out["model"] = {"features": feat.flatten().tolist(), "nfeat": F, "hidden": H, "classes": C,
                "labels": labels.tolist(), "train": train.tolist(),
                "params": [p.flatten().tolist() for p in params],
                "logits": logits.detach().flatten().tolist(), "loss": loss.item(),
                "grads": [p.grad.flatten().tolist() for p in ps]}

# Five Adam steps of that model without dropout, weight decay on the first
# layer only (a param group), as Train runs them.
ps = [p.clone().requires_grad_(True) for p in params]
opt = torch.optim.Adam([dict(params=ps[:2], weight_decay=0.05), dict(params=ps[2:], weight_decay=0.0)], lr=0.01)
losses = []
for _ in range(5):
    opt.zero_grad()
    h = torch.relu(propagate(nei, nw, feat @ ps[0].t()) + ps[1])
    logits = propagate(nei, nw, h @ ps[2].t()) + ps[3]
    loss = torch.nn.functional.cross_entropy(logits[train], labels[train])
    loss.backward()
    opt.step()
    losses.append(loss.item())
out["model"]["adam"] = {"lr": 0.01, "weight_decay": 0.05, "losses": losses,
                        "params": [p.detach().flatten().tolist() for p in ps]}

with open("gcn/testdata/torch_golden.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
