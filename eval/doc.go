// Package eval measures classifiers beyond accuracy, with scikit-learn's
// definitions and edge cases: label metrics (accuracy, balanced accuracy,
// precision, recall and F1 with every averaging, the confusion matrix,
// Matthews correlation), threshold-free ranking metrics (ROC and
// precision–recall curves, ROC AUC binary and one-vs-rest, average
// precision), probability metrics (log loss, Brier score, calibration curve,
// expected calibration error) and the alert-triage metrics a security team
// reports (precision@K, recall@K, recall at a fixed false-positive rate).
//
// # Label metrics
//
// Accuracy misleads whenever classes are unbalanced: on a test set with 1%
// attacks, "never an attack" scores 99%. Balanced accuracy (mean per-class
// recall) and MCC (the correlation between truth and prediction, 0 for any
// constant guess) cannot be gamed that way. Precision TP/(TP+FP) and recall
// TP/(TP+FN) are per class; PRFOptions.Average combines them: Binary (class
// 1 only), Micro (pool the counts; equals accuracy for single-label data),
// Macro (every class equal) or Weighted (by support). When a ratio's
// denominator is zero — a class never predicted, or never present —
// scikit-learn substitutes zero_division; PRFOptions.ZeroDivision does the
// same, with the same default 0.
//
// # Probability metrics
//
// A probability is a claim that can be checked: of the samples given 0.8,
// about 80% should be positive. Log loss (cross-entropy) and the Brier score
// are proper scoring rules, minimised only by the true probabilities. The
// calibration curve bins predictions and compares each bin's mean predicted
// probability with its observed frequency (a reliability diagram); ECE is the
// sample-weighted mean gap. Modern networks tend to be over-confident (Guo
// et al. 2017), which accuracy never shows.
//
// # Ranking metrics
//
// A binary scorer is judged by how it orders samples, before anyone picks a
// threshold. Sort by decreasing score; at each distinct score t count the
// positives TP(t) and negatives FP(t) scoring >= t. Then
//
//	TPR(t) = TP(t)/P   (recall)      FPR(t) = FP(t)/N
//	precision(t) = TP(t) / (TP(t) + FP(t))
//
// The ROC curve plots TPR against FPR; its area (AUC) is the probability that
// a random positive outscores a random negative, ties counting one half
// (Hanley & McNeil 1982), so it is the Mann–Whitney U statistic divided by
// P·N. AUC ignores class balance, which is its strength for comparing
// scorers and its weakness for rare-event detection: at 1 positive in 10,000
// an AUC of 0.99 can still bury every true alert under a hundred false ones.
// The precision–recall curve and average precision,
//
//	AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ,
//
// expose that (Davis & Goadrich 2006; Saito & Rehmsmeier 2015). AP is a step
// sum, not the trapezoidal area under the PR curve, which linear
// interpolation makes optimistic.
//
// Triage reads one point of the ranking: precision@K (what fraction of the K
// alerts an analyst can review are real), recall@K, and recall at a fixed
// false-positive rate (how much is caught within an alert budget). Scores
// tied across the K cut are shared out in expectation so the answer does not
// depend on input order; recall at an FPR uses only thresholds a deployed
// detector can actually set, never an interpolated point.
//
// Build a Ranking once (NewRanking sorts the scores, O(n log n)) and read
// every metric from it; ROCAUC, AveragePrecision, ROCCurve and
// PrecisionRecallCurve are one-shot shortcuts.
//
// # Matching scikit-learn
//
// Every function is checked against scikit-learn 1.2.1 on golden values
// (scripts/golden/eval.py) to a relative 1e-12, including heavy ties, all
// scores tied and perfect or inverted rankings. ROC curves drop collinear
// points (drop_intermediate=True) and start at a threshold of max score + 1,
// as in 1.2. ConfusionMatrix and the precision/recall family follow the
// labels argument: it orders and restricts the classes, and classes in it
// that never occur still count in macro averages. LogLoss clips to machine
// epsilon and renormalises rows as log_loss does. ECE is not in scikit-learn;
// its golden values are computed from calibration_curve's bins.
//
// # Bad input
//
// Binary labels must be 0 or 1 (ErrLabel), scores finite (ErrNaN), slices
// parallel (ErrLength) and non-empty (ErrEmpty). Where scikit-learn warns and
// returns a placeholder for an undefined metric — ROC AUC or the ROC curve
// with one class, average precision or recall with no positives — this
// package returns ErrOneClass instead, so an undefined number never reaches a
// report looking like a measurement. Nothing in the package panics on data.
//
// All functions are pure; a Ranking is immutable and safe for concurrent use.
//
// References: C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On calibration
// of modern neural networks", ICML 2017. M. P. Naeini, G. Cooper,
// M. Hauskrecht, "Obtaining well calibrated probabilities using Bayesian
// binning", AAAI 2015. B. W. Matthews, "Comparison of the predicted and
// observed secondary structure of T4 phage lysozyme", BBA 405 (1975);
// J. Gorodkin, "Comparing two K-category assignments by a K-category
// correlation coefficient", Comput. Biol. Chem. 28 (2004). G. W. Brier,
// "Verification of forecasts expressed in terms of probability", Monthly
// Weather Review 78 (1950). J. A. Hanley, B. J. McNeil, "The meaning and use of the area
// under a ROC curve", Radiology 143 (1982). J. Davis, M. Goadrich, "The
// relationship between precision-recall and ROC curves", ICML 2006.
// T. Saito, M. Rehmsmeier, "The precision-recall plot is more informative
// than the ROC plot when evaluating binary classifiers on imbalanced
// datasets", PLoS ONE 10 (2015). T. Fawcett, "An introduction to ROC
// analysis", Pattern Recognition Letters 27 (2006).
package eval
