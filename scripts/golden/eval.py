#!/usr/bin/python3
"""Golden values for eval from scikit-learn (Debian's python3-sklearn 1.2.1).

Writes eval/testdata/sklearn_golden.json. Binary cases carry ROC and PR curves,
ROC AUC, average precision, the ranking metrics (precision@K and recall@K with
ties shared out in expectation, recall at a fixed false-positive rate read off
sklearn's full ROC curve) and the confusion matrix. Ranking metrics have no
sklearn function, so they are computed here by a different route than the Go
code takes (per-item ranks from scipy.stats.rankdata).
Run from the module root: /usr/bin/python3 scripts/golden/eval.py
"""
import json

import numpy as np
import scipy.stats
import sklearn
from sklearn import metrics

rng = np.random.default_rng(20261125)


def floats(a):
    return [float(v) for v in a]


def expected_hits_in_top_k(y, s, k):
    # An item tied with others at the cut is in the top K with probability
    # (slots left in its tie group) / (size of its tie group).
    above = len(s) - scipy.stats.rankdata(s, method="max")  # strictly greater
    at_or_above = len(s) - scipy.stats.rankdata(s, method="min") + 1
    group = at_or_above - above
    p_in = np.clip((k - above) / group, 0.0, 1.0)
    return float(np.sum(p_in * y))


def binary_case(name, y, s):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    case = {"name": name, "y": y.tolist(), "score": floats(s)}
    npos = int(y.sum())
    nneg = len(y) - npos
    if npos > 0 and nneg > 0:
        fpr, tpr, thr = metrics.roc_curve(y, s)
        case["roc"] = {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr)}
        case["roc_auc"] = float(metrics.roc_auc_score(y, s))
        full_fpr, full_tpr, full_thr = metrics.roc_curve(y, s, drop_intermediate=False)
        at_fpr = []
        for a in (0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 1.0):
            ok = np.nonzero(full_fpr <= a)[0]
            i = ok[-1]  # tpr is non-decreasing: the last admissible point is best
            at_fpr.append({"max_fpr": a, "recall": float(full_tpr[i]), "fpr": float(full_fpr[i]),
                           "threshold": None if i == 0 else float(full_thr[i])})
        case["recall_at_fpr"] = at_fpr
    if npos > 0:
        p, r, thr = metrics.precision_recall_curve(y, s)
        case["pr"] = {"precision": floats(p), "recall": floats(r), "thresholds": floats(thr)}
        case["average_precision"] = float(metrics.average_precision_score(y, s))
    at_k = []
    for k in sorted({1, 2, 3, len(y) // 4 or 1, len(y) // 2 or 1, len(y)}):
        hits = expected_hits_in_top_k(y, s, k)
        at_k.append({"k": k, "precision": hits / k, "recall": hits / npos if npos else None})
    case["at_k"] = at_k
    cm = metrics.confusion_matrix(y, (s >= np.median(s)).astype(int), labels=[0, 1])
    case["confusion_at_median"] = cm.tolist()
    return case


binary = []
n = 200
y = rng.integers(0, 2, n)
binary.append(binary_case("continuous", y, rng.normal(size=n) + 0.8 * y))
y = (rng.random(n) < 0.1).astype(int)
binary.append(binary_case("imbalanced_ties", y, np.round(rng.normal(size=n) + 1.5 * y, 1)))
y = rng.integers(0, 2, 60)
binary.append(binary_case("integer_scores", y, rng.integers(0, 4, 60) + y))
binary.append(binary_case("all_tied", [0, 1, 1, 0, 1], [0.5] * 5))
binary.append(binary_case("perfect", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]))
binary.append(binary_case("inverted", [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]))
binary.append(binary_case("sklearn_doc", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
binary.append(binary_case("only_positives", [1, 1, 1], [0.2, 0.5, 0.5]))
binary.append(binary_case("only_negatives", [0, 0, 0, 0], [0.2, 0.5, 0.5, 0.9]))
binary.append(binary_case("large_tied", *(lambda yy: (yy, np.round(rng.random(5000) + 0.3 * yy, 2)))(
    (rng.random(5000) < 0.02).astype(int))))

out = {"sklearn_version": sklearn.__version__, "binary": binary}

with open("eval/testdata/sklearn_golden.json", "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
