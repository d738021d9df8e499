#!/usr/bin/python3
"""PyTorch 1.13 reference of gcn's two-layer GCN on Cora (the peer benchmark).

The model is Kipf & Welling's, in the fastest configuration we found for
torch on this CPU: row-normalised sparse features with dropout on their
non-zeros, torch.sparse.mm for X·W and for Â·(XW), one thread. Â is PyG's
gcn_norm of the symmetrised, coalesced citation graph (one unit self-loop
per node, D^-1/2 (A+I) D^-1/2). Adam lr 0.01 with weight decay 5e-4 on the
first layer only (a param group), dropout 0.5, hidden 16, Glorot weights
and no biases, as in the paper's code (tkipf/gcn); early stopping on the
validation loss with that code's window rule. --bias adds PyG's biases
(zero-initialised, the first in the weight-decay group) to both layers.

  /usr/bin/python3 scripts/bench/gcn.py --time 3        # best of 3, 200 epochs, no early stopping
  /usr/bin/python3 scripts/bench/gcn.py --seeds 100     # accuracy over seeds 0..99

Reads ../shared/data/cora (or $MLPREP_DATA/cora). Prints one JSON line.
"""
import argparse
import gzip
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def data_dir():
    root = os.environ.get("MLPREP_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
    return os.path.join(root, "cora")


def load():
    d = data_dir()
    ids, rows, cols, labels = {}, [], [], []
    with gzip.open(os.path.join(d, "cora.content.gz"), "rt") as f:
        for i, line in enumerate(f):
            parts = line.split()
            ids[parts[0]] = i
            for j, v in enumerate(parts[1:-1]):
                if v != "0":
                    rows.append(i)
                    cols.append(j)
            labels.append(parts[-1])
            nfeat = len(parts) - 2
    n = len(ids)
    names = sorted(set(labels))
    y = torch.tensor([names.index(l) for l in labels])
    x = torch.sparse_coo_tensor(torch.tensor([rows, cols]), torch.ones(len(rows)), (n, nfeat)).coalesce()
    # Row-normalise (the paper code's preprocess_features).
    rowsum = torch.sparse.sum(x, dim=1).to_dense()
    vals = x.values() / rowsum[x.indices()[0]]
    x = torch.sparse_coo_tensor(x.indices(), vals, x.shape).coalesce()

    src, dst = [], []
    with open(os.path.join(d, "cora.cites")) as f:
        for line in f:
            a, b = line.split()
            src.append(ids[b])
            dst.append(ids[a])
    ei = torch.tensor([src + dst, dst + src])          # to_undirected
    ei = torch.unique(ei, dim=1)                       # coalesce
    ei = ei[:, ei[0] != ei[1]]                         # gcn_norm: drop existing loops ...
    loops = torch.arange(n)
    ei = torch.cat([ei, torch.stack([loops, loops])], dim=1)  # ... add one per node
    w = torch.ones(ei.size(1))
    deg = torch.zeros(n).scatter_add_(0, ei[1], w)     # degree at the target
    dinv = deg.pow(-0.5)
    w = dinv[ei[0]] * w * dinv[ei[1]]
    adj = torch.sparse_coo_tensor(torch.stack([ei[1], ei[0]]), w, (n, n)).coalesce()

    split = {}
    for part in ("train", "val", "test"):
        with open(os.path.join(d, "planetoid_split", part + "_paper_ids.txt")) as f:
            split[part] = torch.tensor([ids[l.strip()] for l in f if l.strip()])
    return x, adj, y, len(names), split


class GCN(torch.nn.Module):
    def __init__(self, nfeat, nhid, nclass, bias):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.empty(nfeat, nhid))
        self.w2 = torch.nn.Parameter(torch.empty(nhid, nclass))
        torch.nn.init.xavier_uniform_(self.w1)
        torch.nn.init.xavier_uniform_(self.w2)
        self.b1 = torch.nn.Parameter(torch.zeros(nhid)) if bias else None
        self.b2 = torch.nn.Parameter(torch.zeros(nclass)) if bias else None

    def forward(self, x, adj):
        if self.training:
            x = torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), 0.5, True), x.shape)
        h = torch.sparse.mm(adj, torch.sparse.mm(x, self.w1))
        if self.b1 is not None:
            h = h + self.b1
        h = F.dropout(F.relu(h), 0.5, self.training)
        out = torch.sparse.mm(adj, h @ self.w2)
        if self.b2 is not None:
            out = out + self.b2
        return out


def train(data, seed, bias=False, epochs=200, window=10):
    x, adj, y, classes, split = data
    torch.manual_seed(seed)
    model = GCN(x.shape[1], 16, classes, bias)
    first = [model.w1] + ([model.b1] if bias else [])
    second = [model.w2] + ([model.b2] if bias else [])
    opt = torch.optim.Adam([
        dict(params=first, weight_decay=5e-4),
        dict(params=second, weight_decay=0.0)], lr=0.01)
    val_losses = []
    for epoch in range(epochs):
        model.train()
        opt.zero_grad()
        out = model(x, adj)
        loss = F.cross_entropy(out[split["train"]], y[split["train"]])
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            out = model(x, adj)
            val_losses.append(F.cross_entropy(out[split["val"]], y[split["val"]]).item())
        if window > 0 and epoch > window and val_losses[-1] > statistics.mean(val_losses[-(window + 1):-1]):
            break
    model.eval()
    with torch.no_grad():
        pred = model(x, adj).argmax(1)
    return (pred[split["test"]] == y[split["test"]]).float().mean().item(), epoch + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time", type=int, default=0, help="time 200 epochs (no early stopping) this many times; report the best")
    ap.add_argument("--seeds", type=int, default=0, help="mean test accuracy over seeds 0..N-1")
    ap.add_argument("--bias", action="store_true", help="add PyG's biases to both layers")
    args = ap.parse_args()
    data = load()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "bias": args.bias}
    if args.time:
        times = []
        for r in range(args.time):
            t0 = time.perf_counter()
            train(data, r, args.bias, window=0)
            times.append(time.perf_counter() - t0)
        out["train_200_epochs_s"] = min(times)
        out["times_s"] = times
    if args.seeds:
        accs = [train(data, s, args.bias)[0] for s in range(args.seeds)]
        out["seeds"] = args.seeds
        out["test_acc_mean"] = statistics.mean(accs)
        out["test_acc_std"] = statistics.stdev(accs) if len(accs) > 1 else 0.0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
