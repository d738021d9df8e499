// Package eval measures classifiers beyond accuracy, with scikit-learn's
// definitions and edge cases: threshold-free ranking metrics (ROC and
// precision–recall curves, ROC AUC, average precision), the alert-triage
// metrics a security team reports (precision@K, recall@K, recall at a fixed
// false-positive rate) and the confusion matrix.
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
// as in 1.2. ConfusionMatrix follows confusion_matrix's labels argument.
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
// References: J. A. Hanley, B. J. McNeil, "The meaning and use of the area
// under a ROC curve", Radiology 143 (1982). J. Davis, M. Goadrich, "The
// relationship between precision-recall and ROC curves", ICML 2006.
// T. Saito, M. Rehmsmeier, "The precision-recall plot is more informative
// than the ROC plot when evaluating binary classifiers on imbalanced
// datasets", PLoS ONE 10 (2015). T. Fawcett, "An introduction to ROC
// analysis", Pattern Recognition Letters 27 (2006).
package eval
