package eval

import (
	"fmt"
	"math"
	"slices"
)

// CalibrationOptions configures CalibrationCurve. The zero value is 10
// uniform bins (scikit-learn's calibration_curve defaults to 5; ten is the
// usual choice for ECE).
type CalibrationOptions struct {
	// Bins is the number of bins; 0 means 10.
	Bins int
	// Quantile puts the bin edges at quantiles of the predicted
	// probabilities (NumPy's linear percentile) so bins hold equal numbers of
	// samples, instead of splitting [0, 1] evenly (strategy="quantile").
	Quantile bool
}

// Calibration is a reliability diagram's data: for each non-empty bin of
// predicted probability, the observed fraction of positives (ProbTrue), the
// mean predicted probability (ProbPred) and the number of samples (Count).
// A calibrated model's points lie on the diagonal.
type Calibration struct {
	ProbTrue, ProbPred []float64
	Count              []int
}

// CalibrationCurve is scikit-learn's calibration_curve for 0/1 labels and
// predicted probabilities of class 1. A probability p goes to the bin whose
// edges satisfy lo < p <= hi (the first bin also takes p = lo), as NumPy's
// searchsorted puts it. Empty bins are omitted. It returns ErrArgument for a
// probability outside [0, 1] or a negative bin count.
func CalibrationCurve(yTrue []int, prob []float64, o CalibrationOptions) (Calibration, error) {
	if err := checkProbabilities(yTrue, prob); err != nil {
		return Calibration{}, err
	}
	bins := o.Bins
	if bins == 0 {
		bins = 10
	}
	if bins < 0 {
		return Calibration{}, fmt.Errorf("%w: %d bins", ErrArgument, bins)
	}
	edges := uniformEdges(bins)
	if o.Quantile {
		edges = quantileEdges(prob, edges)
	}
	inner := edges[1 : len(edges)-1]
	sumProb := make([]float64, bins+1)
	sumTrue := make([]float64, bins+1)
	count := make([]int, bins+1)
	for i, p := range prob {
		b, _ := slices.BinarySearch(inner, p) // numpy.searchsorted(inner, p, "left")
		sumProb[b] += p
		sumTrue[b] += float64(yTrue[i])
		count[b]++
	}
	var c Calibration
	for b, n := range count {
		if n > 0 {
			c.ProbTrue = append(c.ProbTrue, sumTrue[b]/float64(n))
			c.ProbPred = append(c.ProbPred, sumProb[b]/float64(n))
			c.Count = append(c.Count, n)
		}
	}
	return c, nil
}

// ECE is the expected calibration error, Σ_b (n_b/N)·|ProbTrue_b − ProbPred_b|
// (Naeini et al. 2015): the gap between confidence and frequency averaged
// over samples. For a multiclass model's top-label ECE (Guo et al. 2017) pass
// yTrue = 1 where the argmax prediction was right and prob = the max
// probability. ECE depends on the binning, and equal-width bins leave the
// sparse high-confidence end noisy: report the bins with the number.
func (c Calibration) ECE() float64 {
	var total, gap float64
	for b, n := range c.Count {
		total += float64(n)
		gap += float64(n) * math.Abs(c.ProbTrue[b]-c.ProbPred[b])
	}
	return gap / total
}

// uniformEdges is numpy.linspace(0, 1, bins+1).
func uniformEdges(bins int) []float64 {
	e := make([]float64, bins+1)
	step := 1 / float64(bins)
	for i := range e {
		e[i] = float64(i) * step
	}
	e[bins] = 1
	return e
}

// quantileEdges is numpy.percentile(prob, q*100) at each q, with NumPy's
// default linear interpolation between order statistics.
func quantileEdges(prob, qs []float64) []float64 {
	s := slices.Sorted(slices.Values(prob))
	n := float64(len(s))
	out := make([]float64, len(qs))
	for i, q := range qs {
		v := (n - 1) * (q * 100 / 100)
		lo := math.Floor(v)
		g := v - lo
		a := s[int(min(max(lo, 0), n-1))]
		b := s[int(min(max(lo+1, 0), n-1))]
		// NumPy's _lerp: interpolate from whichever end is nearer.
		d := b - a
		if g >= 0.5 {
			out[i] = b - d*(1-g)
		} else {
			out[i] = a + d*g
		}
	}
	return out
}
