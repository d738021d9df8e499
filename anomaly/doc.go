// Package anomaly detects anomalies without labels: the Isolation Forest
// with scikit-learn's semantics, the Extended Isolation Forest, and a
// median/MAD baseline to hold them to.
//
//	forest, err := anomaly.IsolationForest{Seed: 1}.Fit(ctx, train) // rows × features, no labels
//	scores, err := forest.ScoreSamples(ctx, test)                   // lower = more abnormal
//	labels, err := forest.Predict(ctx, test)                        // −1 anomaly, +1 inlier
//
// # Isolation
//
// Most detectors model what normal looks like and flag what the model
// explains badly. Liu, Ting & Zhou (2008) turned this around: anomalies are
// few and different, so they are easy to separate. Cut the data at random —
// a random feature, a threshold uniform between that feature's minimum and
// maximum — and keep cutting each side: an anomaly ends up alone after a
// few cuts, a point inside a dense cluster after many. The number of cuts,
// the path length h(x) from the root of such an isolation tree to x's leaf,
// is the anomaly measure; an ensemble of trees averages out the randomness.
//
// Each tree is grown on a sub-sample of ψ rows (256 by default) and stops at
// height ⌈log₂ ψ⌉, the average tree height: past it points are normal
// anyway. A leaf that still holds n rows adds c(n), the expected path
// length of an unsuccessful search in a binary search tree of n keys,
//
//	c(n) = 2 H(n−1) − 2(n−1)/n,  H(i) ≈ ln i + 0.5772156649,  c(1) = 0, c(2) = 1,
//
// so h(x) = depth + c(leaf size). The anomaly score normalises the mean path
// length over the trees by c(ψ):
//
//	s(x) = 2^(−E[h(x)] / c(ψ)),
//
// close to 1 for anomalies, well below 0.5 for normal points, and about 0.5
// everywhere when nothing stands out.
//
// # scikit-learn's conventions, reproduced exactly
//
// ScoreSamples returns −s(x) (scikit-learn's score_samples: the lower, the
// more abnormal). DecisionFunction subtracts Offset, and Predict returns −1
// where the decision is negative. With Contamination 0 ('auto') the offset
// is −0.5, the paper's threshold; with a fraction c in (0, 0.5] it is the
// 100·c-th percentile of the training scores (numpy's linear percentile,
// bit for bit), so Predict flags about that fraction of the training data.
// Contamination only moves the threshold: the trees and the scores do not
// depend on it.
//
// The options resolve as in scikit-learn 1.2: MaxSamples 'auto' is
// min(256, n), a count above n is cut to n, a fraction f gives int(f·n);
// MaxFeatures draws a feature subset per tree; Bootstrap samples rows with
// replacement, and duplicated rows count once in a leaf, as in
// scikit-learn, which passes the bootstrap as sample weights. Splits pick a
// feature uniformly among those not constant in the node — scikit-learn
// calls a feature constant when its range is within 1e-7 — and a threshold
// uniform in [min, max). Features are rounded to float32, as scikit-learn's
// trees do; thresholds stay float64. The golden tests check c(n) (to 2
// ulps: Go's and glibc's log differ by one), the resolved options, the
// height limit, offsets, the predict threshold and the fits whose scores do
// not depend on the random draw against scikit-learn; the random trees
// themselves differ, so scores are compared in distribution.
//
// # Extended Isolation Forest
//
// Axis-parallel cuts leave artefacts: around two clusters, the cuts that
// separate them along one axis also slice along the other, and the empty
// corners between them score almost as normal as the clusters — "ghost
// clusters". Hariri, Carrasco Kind & Brunner (2021) cut with random
// hyperplanes instead: a normal with N(0, 1) components on NonZero features
// (the paper's extension level plus one) through a point drawn uniformly in
// the node's bounding box. NonZero 1 gives back the Isolation Forest's
// distribution of trees; the default, all features, removes the ghosts.
// Because a hyperplane mixes features, put them on comparable scales first;
// the axis-parallel forest, by contrast, does not change under any monotone
// per-feature rescaling.
//
// # The baseline
//
// RobustZ scores a row by its mean distance from the per-feature training
// medians in robust standard deviations (1.4826·MAD, Iglewicz & Hoaglin
// 1993). It ignores interactions between features and is often hard to
// beat on data whose anomalies are extreme values of single features, which
// is why a detector's result means little without it.
//
// # Pitfalls
//
//   - Sub-sampling is a feature, not a shortcut: large samples make
//     anomalies harder to isolate (swamping: normal points near anomalies
//     look abnormal; masking: a dense group of anomalies hides itself).
//   - Irrelevant features dilute the cuts; MaxFeatures or feature selection
//     help when many features carry no signal.
//   - One-hot categorical features and scaling statistics must come from
//     the training data only, and labels must never reach the detector:
//     evaluate with them afterwards (ROC AUC, average precision, precision
//     at the top k alerts an analyst will actually read).
//   - A forest's scores are relative to its training data: refit when the
//     traffic drifts, and do not compare raw scores across forests.
//   - Seeds matter at 100 trees: report the spread over several seeds.
//
// # Saved models
//
// MarshalBinary and WriteTo write a fitted forest in a small versioned
// binary format with a CRC-32; ReadForest and UnmarshalBinary check it and
// every structural invariant before returning a forest, so a detector
// service can load models it did not fit.
//
// # Errors, concurrency and determinism
//
// Data from outside never panics: empty data, ragged rows, NaN or ±Inf (or
// values beyond float32's range), hyper-parameters out of range, scoring
// data of another width, an unfitted Forest and corrupt models return errors
// wrapping ErrEmpty, ErrRagged, ErrNonFinite, ErrParam, ErrFeatureCount,
// ErrNotFitted and ErrModel. Fit and
// scoring run on Workers goroutines (GOMAXPROCS by default), honour
// cancellation of their context, and give bit-identical forests and scores
// for a seed whatever the number of workers: tree t always draws from the
// t-th seed, and each row's path lengths are summed over the trees in
// order. A fitted Forest and a RobustZ are read-only and safe for
// concurrent use.
//
// # References
//
//   - F. T. Liu, K. M. Ting, Z.-H. Zhou, "Isolation Forest", ICDM 2008; and
//     "Isolation-Based Anomaly Detection", ACM TKDD 6(1), 2012.
//   - S. Hariri, M. Carrasco Kind, R. J. Brunner, "Extended Isolation
//     Forest", IEEE TKDE 33(4), 2021.
//   - B. Iglewicz, D. C. Hoaglin, "How to Detect and Handle Outliers", ASQC
//     Quality Press, 1993.
//   - scikit-learn 1.2, sklearn.ensemble.IsolationForest.
package anomaly
