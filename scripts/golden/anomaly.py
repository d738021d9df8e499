#!/usr/bin/python3
"""Golden values for package anomaly from scikit-learn's IsolationForest
(Debian's python3-sklearn 1.2.1, numpy 1.24).

Writes anomaly/testdata/sklearn_golden.json with
  - the deterministic pieces: _average_path_length c(n), the resolution of
    max_samples ('auto' / int / fraction) and max_features, the tree height
    limit, offset_ for contamination fractions (np.percentile of given
    scores, as IsolationForest.fit computes it), predict at the threshold,
    and the degenerate fits whose score is exactly -0.5 (constant data,
    features whose range is within the splitter's 1e-7 of constant, one
    sample);
  - the statistical pieces: on a fixed data set (stored in the file), the
    per-point score_samples averaged over 20 seeds and the ROC AUC of every
    seed, for several hyper-parameter settings. The trees are random, so the
    Go tests compare these distributions, not single draws.

Run from the module root: /usr/bin/python3 scripts/golden/anomaly.py
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.metrics import roc_auc_score

out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__}

ns = list(range(0, 1025)) + [4096, 65536, 1000000, 123456789]
out["average_path_length"] = {"n": ns, "c": _average_path_length(np.array(ns, dtype=float)).tolist()}

# max_samples / max_features / height limit, read back from fitted models.
rng = np.random.RandomState(0)
resolve = []
for n, spec in [(10, "auto"), (300, "auto"), (256, "auto"), (1, "auto"), (1000, 100), (50, 100),
                (1000, 0.5), (1000, 1.0), (999, 0.3), (7, 0.5), (1000, 1)]:
    X = rng.rand(n, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = IsolationForest(n_estimators=3, max_samples=spec, random_state=0).fit(X)
    resolve.append({"n": n, "spec": spec, "max_samples": int(m.max_samples_),
                    "height": int(m.estimators_[0].max_depth)})
out["max_samples"] = resolve

feats = []
for d, spec in [(10, 1.0), (10, 0.5), (10, 0.05), (10, 3), (10, 10), (7, 0.99), (1, 1.0)]:
    X = rng.rand(50, d)
    m = IsolationForest(n_estimators=2, max_features=spec, random_state=0).fit(X)
    feats.append({"d": d, "spec": spec, "max_features": len(m.estimators_features_[0])})
out["max_features"] = feats

# offset_ = np.percentile(score_samples(X), 100 * contamination): the exact
# formula, on score vectors with ties and of awkward lengths.
offsets = []
for n in [1, 2, 3, 10, 101, 1000]:
    s = -np.round(0.3 + 0.4 * rng.rand(n), 3)  # rounded: ties
    for c in [0.001, 0.01, 0.05, 0.1, 0.137, 0.25, 0.3, 0.5]:
        offsets.append({"scores": s.tolist(), "contamination": c,
                        "offset": float(np.percentile(s, 100.0 * c))})
out["offsets"] = offsets

# A fitted model's offset_ is that percentile of its own training scores,
# and predict is -1 exactly where decision_function < 0.
X = rng.randn(200, 3)
m = IsolationForest(contamination=0.1, random_state=0).fit(X)
s = m.score_samples(X)
d = m.decision_function(X)
out["fitted_offset"] = {"scores": s.tolist(), "contamination": 0.1, "offset": float(m.offset_),
                        "decision": d.tolist(), "predict": m.predict(X).tolist()}

# Fits whose score does not depend on the random trees.
degenerate = []
const = np.full((40, 3), 2.5)
near = np.full((40, 2), 0.1, dtype=np.float32)
near[::2, 0] += np.float32(5e-8)  # range 5e-8 <= 1e-7: the splitter calls it constant
apart = np.full((40, 2), 0.1, dtype=np.float32)
apart[::2, 0] += np.float32(3e-7)  # range > 1e-7: a real split
for name, X, kw in [("constant", const, {}), ("within_feature_threshold", near.astype(float), {}),
                    ("beyond_feature_threshold", apart.astype(float), {}),
                    ("one_sample", np.array([[1.0, 2.0]]), {}),
                    ("max_samples_1", rng.rand(30, 2), {"max_samples": 1})]:
    m = IsolationForest(random_state=0, **kw).fit(X)
    degenerate.append({"name": name, "x": X.tolist(), "max_samples": kw.get("max_samples", 0),
                       "scores": m.score_samples(X).tolist()})
out["degenerate"] = degenerate

# Statistical agreement on fixed data: 1000 inliers from a correlated
# Gaussian and 50 scattered outliers, 4 features.
cov = np.array([[1.0, 0.6, 0.0, 0.0], [0.6, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -0.3], [0.0, 0.0, -0.3, 1.0]])
inl = rng.multivariate_normal(np.zeros(4), cov, size=1000)
outl = rng.uniform(-5, 5, size=(50, 4))
X = np.vstack([inl, outl])
y = np.r_[np.zeros(1000), np.ones(50)]
perm = rng.permutation(len(X))
X, y = X[perm], y[perm]
settings = {
    "default": {},
    "max_samples_64": {"max_samples": 64},
    "max_samples_frac": {"max_samples": 0.5, "n_estimators": 50},
    "bootstrap": {"bootstrap": True},
    "max_features_2": {"max_features": 2},
    "contamination_0.05": {"contamination": 0.05},
}
stat = {}
seeds = 20
for name, kw in settings.items():
    scores = np.zeros((seeds, len(X)))
    aucs, offs, flagged = [], [], []
    for s in range(seeds):
        m = IsolationForest(random_state=s, **kw).fit(X)
        scores[s] = m.score_samples(X)
        aucs.append(roc_auc_score(y, -scores[s]))
        offs.append(float(m.offset_))
        flagged.append(float(np.mean(m.predict(X) == -1)))
    stat[name] = {"params": kw, "mean_scores": scores.mean(0).tolist(), "aucs": aucs,
                  "offsets": offs, "flagged": flagged}
out["agreement"] = {"x": X.tolist(), "y": y.astype(int).tolist(), "seeds": seeds, "settings": stat}

with open("anomaly/testdata/sklearn_golden.json", "w") as f:
    json.dump(out, f)
print("wrote anomaly/testdata/sklearn_golden.json")
