#!/usr/bin/python3
"""scikit-learn 1.2 half of scripts/bench/anomaly.sh.

  anomaly_peer.py agree DIR   fit sklearn's IsolationForest on the matrices Go
                              wrote into DIR (same hyper-parameters: 100 trees,
                              max_samples='auto', n_jobs=2, seeds 0..k-1), compute
                              every ROC AUC with sklearn.metrics for both sides,
                              print the Markdown agreement table
  anomaly_peer.py speed [ROWS REPEATS]
                              time fit and score_samples of 100 trees,
                              max_samples=256, n_jobs=2 on ROWS x 10 uniform
                              data; print JSON (best of REPEATS, peak RSS)
  anomaly_peer.py speedtable GO.json SK.json
                              print the Markdown speed table
"""
import json
import os
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

# Liu, Ting & Zhou (2008), Table 3: iForest AUC on the sets the paper used.
PAPER = {"smtp": 0.88, "shuttle": 1.00, "mammography": 0.86, "annthyroid": 0.82,
         "satellite": 0.71, "pima": 0.67, "breastw": 0.99, "ionosphere": 0.85}


def load(d, name, shape=None):
    a = np.fromfile(os.path.join(d, name), dtype="<f8")
    return a.reshape(shape) if shape else a


def agree(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}\n")
    print("| data set | rows × features | anomalies | scikit-learn AUC (mean ± sd) | Go AUC (mean ± sd) "
          "| Δ (Go − sklearn) | Go Extended IF | Go RobustZ | paper |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for ds in meta:
        xtr = load(d, ds["train"], (ds["train_rows"], ds["features"]))
        xte = load(d, ds["test"], (ds["test_rows"], ds["features"]))
        y = load(d, ds["labels"]) == 1
        seeds = ds["seeds"]
        sk = []
        for s in range(seeds):
            m = IsolationForest(random_state=s, n_jobs=2).fit(xtr)
            sk.append(roc_auc_score(y, -m.score_samples(xte)))
        go = {}
        for method, f in ds["scores"].items():
            sc = load(d, f).reshape(-1, ds["test_rows"])
            go[method] = [roc_auc_score(y, -row) for row in sc]
        gi = go["isolation_forest"]
        delta = np.mean(gi) - np.mean(sk)
        worst = max(worst, abs(delta))
        rows = f"{ds['test_rows']:,} × {ds['features']}"
        if ds["train"] != ds["test"]:
            rows = f"fit {ds['train_rows']:,}, score {ds['test_rows']:,} × {ds['features']}"
        print(f"| {ds['name']} ({seeds} seeds) | {rows} | {int(y.sum()):,} "
              f"| {np.mean(sk):.4f} ± {np.std(sk):.4f} | {np.mean(gi):.4f} ± {np.std(gi):.4f} | {delta:+.4f} "
              f"| {np.mean(go['extended_isolation_forest']):.4f} | {np.mean(go['robust_z']):.4f} "
              f"| {PAPER.get(ds['name'], '–')} |", flush=True)
    print(f"\nlargest |Δ| of the mean AUCs: {worst:.4f} (target ≤ 0.01)")


def speed(rows, repeats):
    rng = np.random.default_rng(1)
    x = rng.random((rows, 10))
    best = {k: float("inf") for k in ["fit", "score", "total", "fit_cpu", "score_cpu", "total_cpu"]}

    def cpu():
        u = resource.getrusage(resource.RUSAGE_SELF)
        return u.ru_utime + u.ru_stime

    for r in range(repeats):
        t0, c0 = time.perf_counter(), cpu()
        m = IsolationForest(n_estimators=100, max_samples=256, n_jobs=2, random_state=r).fit(x)
        t1, c1 = time.perf_counter(), cpu()
        m.score_samples(x)
        t2, c2 = time.perf_counter(), cpu()
        for k, v in {"fit": t1 - t0, "score": t2 - t1, "total": t2 - t0,
                     "fit_cpu": c1 - c0, "score_cpu": c2 - c1, "total_cpu": c2 - c0}.items():
            best[k] = min(best[k], v)
        print(f"sklearn run {r + 1}: fit {t1 - t0:.3f}s, score {t2 - t1:.3f}s (CPU {c2 - c0:.3f}s)",
              file=sys.stderr, flush=True)
    best["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best["data_mib"] = x.nbytes / 2**20
    print(json.dumps(best))


def speedtable(go_file, sk_file):
    go, sk = json.load(open(go_file)), json.load(open(sk_file))
    print("| 1,000,000 × 10, 100 trees, max_samples 256 | scikit-learn 1.2 (n_jobs=2) | Go (2 workers) | speed-up |")
    print("|---|---|---|---|")
    for k, label in [("fit", "fit"), ("score", "score_samples"), ("total", "**fit + score**")]:
        print(f"| {label}, wall (best of runs) | {sk[k]:.2f} s | {go[k]:.3f} s | {sk[k] / go[k]:.1f}× |")
    for k, label in [("fit_cpu", "fit"), ("score_cpu", "score_samples"), ("total_cpu", "fit + score")]:
        print(f"| {label}, CPU user+sys (best of runs) | {sk[k]:.2f} s | {go[k]:.3f} s | {sk[k] / go[k]:.1f}× |")
    print(f"| peak RSS (process; input data {go['data_mib']:.0f} MiB as float64) "
          f"| {sk['peak_rss_mib']:.0f} MiB | {go['peak_rss_mib']:.0f} MiB | |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "agree":
        agree(sys.argv[2])
    elif cmd == "speed":
        speed(int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000, int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif cmd == "speedtable":
        speedtable(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
