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
from sklearn.calibration import calibration_curve

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



def label_case(name, y, pred, labels=None):
    case = {"name": name, "y": list(map(int, y)), "pred": list(map(int, pred)), "labels": labels,
            "accuracy": float(metrics.accuracy_score(y, pred)),
            "balanced_accuracy": float(metrics.balanced_accuracy_score(y, pred)),
            "mcc": float(metrics.matthews_corrcoef(y, pred)),
            "confusion": metrics.confusion_matrix(y, pred, labels=labels).tolist(),
            "prf": []}
    binary_ok = len(set(y) | set(pred)) <= 2 and (1 in set(y) | set(pred) or len(set(y) | set(pred)) < 2)
    for avg in ("binary", "micro", "macro", "weighted", None):
        if avg == "binary" and not binary_ok:
            continue
        for zd in (0, 1):
            p, r, f, s = metrics.precision_recall_fscore_support(
                y, pred, average=avg, labels=labels, zero_division=zd)
            entry = {"average": avg or "none", "zero_division": zd}
            if avg is None:
                entry.update(precision=floats(p), recall=floats(r), f1=floats(f), support=s.tolist())
            else:
                entry.update(precision=float(p), recall=float(r), f1=float(f))
            case["prf"].append(entry)
    return case


labelled = []
y = rng.integers(0, 4, 200)
pred = np.where(rng.random(200) < 0.6, y, rng.integers(0, 4, 200))
labelled.append(label_case("multiclass", y, pred))
labelled.append(label_case("multiclass_labels_subset", y, pred, [2, 0]))
labelled.append(label_case("multiclass_absent_label", y, pred, [0, 1, 5]))
labelled.append(label_case("never_predicts_3", y, np.minimum(pred, 2)))
labelled.append(label_case("pred_only_class", [0, 0, 1, 1, 1], [0, 2, 1, 1, 0]))
yb = rng.integers(0, 2, 100)
labelled.append(label_case("binary", yb, np.where(rng.random(100) < 0.7, yb, 1 - yb)))
labelled.append(label_case("binary_no_positive_pred", yb, np.zeros(100, dtype=int)))
labelled.append(label_case("all_negative", [0, 0, 0, 0], [0, 0, 0, 0]))
labelled.append(label_case("constant_wrong", [0, 0, 1, 1], [1, 1, 1, 1]))
labelled.append(label_case("labels_2_5", [2, 5, 5, 2, 5], [5, 5, 2, 2, 5]))


def proba_case(name, y, proba, labels=None):
    proba = np.asarray(proba, dtype=float)
    case = {"name": name, "y": list(map(int, y)), "proba": proba.tolist(), "labels": labels,
            "log_loss": float(metrics.log_loss(y, proba, labels=labels))}
    if proba.ndim == 2 and proba.shape[1] > 2 and labels is None:
        for avg in ("macro", "weighted", "micro"):
            case["auc_ovr_" + avg] = float(metrics.roc_auc_score(
                y, proba, multi_class="ovr", average=avg))
    return case


def dirichlet_rows(n, k, sharp, y):
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += sharp
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


proba = []
y = rng.integers(0, 4, 150)
proba.append(proba_case("four_classes", y, dirichlet_rows(150, 4, 1.5, y)))
y3 = rng.integers(0, 3, 60)
p3 = dirichlet_rows(60, 3, 1.0, y3)
p3[:5] = np.eye(3)[(y3[:5] + 1) % 3]  # confident mistakes: clipping matters
p3[5:10] = np.eye(3)[y3[5:10]]
proba.append(proba_case("three_classes_extremes", y3, p3))
yy = np.array([0, 2, 2, 0, 2])
proba.append(proba_case("labels_arg_absent_class", yy, dirichlet_rows(5, 3, 1.0, yy), labels=[0, 1, 2]))
yb = rng.integers(0, 2, 80)
pb = 1 / (1 + np.exp(-(rng.normal(size=80) + 2 * yb - 1)))
proba.append(proba_case("binary_one_column", yb, pb[:, None]))
proba.append(proba_case("binary_two_columns", yb, np.c_[1 - pb, pb]))


def calibration_case(name, y, p):
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    case = {"name": name, "y": y.tolist(), "prob": floats(p),
            "brier": float(metrics.brier_score_loss(y, p)), "curves": []}
    for bins in (5, 10):
        for strategy in ("uniform", "quantile"):
            pt, pp = calibration_curve(y, p, n_bins=bins, strategy=strategy)
            # ECE with the same bins (not in sklearn): weights from bin counts.
            if strategy == "quantile":
                edges = np.percentile(p, np.linspace(0, 1, bins + 1) * 100)
            else:
                edges = np.linspace(0.0, 1.0, bins + 1)
            ids = np.searchsorted(edges[1:-1], p)
            counts = np.bincount(ids, minlength=len(edges))
            counts = counts[counts != 0]
            ece = float(np.sum(counts / len(p) * np.abs(pt - pp)))
            case["curves"].append({"bins": bins, "strategy": strategy, "prob_true": floats(pt),
                                   "prob_pred": floats(pp), "count": counts.tolist(), "ece": ece})
    return case


calibration = []
yb = rng.integers(0, 2, 300)
calibration.append(calibration_case("overconfident", yb, np.clip(0.5 + (yb - 0.5) * rng.random(300) * 1.6 + rng.normal(0, 0.2, 300), 0, 1)))
calibration.append(calibration_case("on_edges", [0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0], [0, 0.2, 0.4, 0.6, 0.8, 1, 0.2, 0.4, 0.5, 0.1, 0.3]))
calibration.append(calibration_case("rounded", yb[:97], np.round(rng.random(97), 1)))

out = {"sklearn_version": sklearn.__version__, "binary": binary, "labelled": labelled,
       "proba": proba, "calibration": calibration}

with open("eval/testdata/sklearn_golden.json", "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
