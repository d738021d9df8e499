package eval

import "fmt"

// Sample is the evaluation data a Metric reads: true labels and whichever
// predictions the metrics need — hard predictions, a binary score (or the
// probability of class 1), or class probabilities. Unused fields may be
// nil; used ones are parallel to YTrue.
type Sample struct {
	YTrue []int
	YPred []int
	Score []float64
	Proba [][]float64
}

// Len is the number of examples.
func (s Sample) Len() int { return len(s.YTrue) }

// check validates that the non-nil fields are parallel to YTrue.
func (s Sample) check() error {
	n := len(s.YTrue)
	if n == 0 {
		return ErrEmpty
	}
	for name, m := range map[string]int{"YPred": len(s.YPred), "Score": len(s.Score), "Proba": len(s.Proba)} {
		if m != 0 && m != n {
			return fmt.Errorf("%w: %d labels, %d %s", ErrLength, n, m, name)
		}
	}
	return nil
}

// Subset returns the examples at idx (shared rows of Proba, copied slices
// otherwise).
func (s Sample) Subset(idx []int) Sample {
	var out Sample
	s.subsetInto(&out, idx)
	return out
}

// subsetInto is Subset reusing dst's slices.
func (s Sample) subsetInto(dst *Sample, idx []int) {
	dst.YTrue = pick(dst.YTrue, s.YTrue, idx)
	dst.YPred = pick(dst.YPred, s.YPred, idx)
	dst.Score = pick(dst.Score, s.Score, idx)
	dst.Proba = pick(dst.Proba, s.Proba, idx)
}

// pick sets dst to src[idx] reusing dst's storage; nil src gives nil.
func pick[T any](dst, src []T, idx []int) []T {
	if src == nil {
		return nil
	}
	dst = dst[:0]
	for _, k := range idx {
		dst = append(dst, src[k])
	}
	return dst
}

// Metric is a named score of a Sample, for sliced analysis. Func must be
// safe for concurrent use and must neither modify nor retain the Sample
// (Slice reuses its storage).
type Metric struct {
	Name string
	Func func(Sample) (float64, error)
	// LowerIsBetter marks losses (log loss, Brier, ECE), so that "worse
	// than overall" means higher.
	LowerIsBetter bool
}

// Ready-made metrics over Sample fields.
var (
	AccuracyMetric = Metric{Name: "accuracy", Func: func(s Sample) (float64, error) {
		return Accuracy(s.YTrue, s.YPred)
	}}
	BalancedAccuracyMetric = Metric{Name: "balanced accuracy", Func: func(s Sample) (float64, error) {
		return BalancedAccuracy(s.YTrue, s.YPred)
	}}
	MacroF1Metric = Metric{Name: "macro F1", Func: func(s Sample) (float64, error) {
		r, err := PrecisionRecallF1(s.YTrue, s.YPred, PRFOptions{Average: Macro})
		return r.F1, err
	}}
	// ROCAUCMetric is the binary ROC AUC of Score.
	ROCAUCMetric = Metric{Name: "ROC AUC", Func: func(s Sample) (float64, error) {
		return ROCAUC(s.YTrue, s.Score)
	}}
	// LogLossMetric is the log loss of Proba, with columns for labels
	// 0 … len(row)−1 so that a slice missing a class still scores.
	LogLossMetric = Metric{Name: "log loss", LowerIsBetter: true, Func: func(s Sample) (float64, error) {
		if len(s.Proba) == 0 {
			return 0, ErrEmpty
		}
		labels := make([]int, len(s.Proba[0]))
		for i := range labels {
			labels[i] = i
		}
		return LogLoss(s.YTrue, s.Proba, labels)
	}}
)
