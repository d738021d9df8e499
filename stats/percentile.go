package stats

import (
	"math"
	"slices"
)

// Percentile is numpy.percentile(x, q) with NumPy's default linear
// interpolation (Hyndman & Fan type 7): the value at rank (n − 1)·q/100 of
// the sorted sample, interpolated between neighbours. q is in [0, 100]. It
// sorts a copy of x; use PercentileSorted on data already sorted. NaN in x
// gives NaN.
func Percentile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	for _, v := range x {
		if math.IsNaN(v) {
			return math.NaN()
		}
	}
	return PercentileSorted(slices.Sorted(slices.Values(x)), q)
}

// PercentileSorted is Percentile for an ascending sorted, NaN-free sample.
func PercentileSorted(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	// NumPy divides q by 100 before scaling by n − 1; so do we, for the
	// same rounding.
	v := float64(n-1) * (q / 100)
	lo := math.Floor(v)
	g := v - lo
	i := int(min(max(lo, 0), float64(n-1)))
	j := int(min(max(lo+1, 0), float64(n-1)))
	a, b := sorted[i], sorted[j]
	// NumPy's _lerp interpolates from the nearer end.
	d := b - a
	if g >= 0.5 {
		return b - d*(1-g)
	}
	return a + d*g
}
