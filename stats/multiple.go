package stats

import (
	"fmt"
	"math"
	"slices"
)

// Correction is a multiple-testing procedure for AdjustPValues.
type Correction int

const (
	// Holm is Holm's step-down procedure (Holm 1979), the zero value: the
	// i-th smallest p-value is multiplied by m − i + 1, then running maxima
	// enforce monotonicity. It controls the family-wise error rate (the
	// chance of any false rejection) under any dependence, like Bonferroni,
	// and is uniformly more powerful.
	Holm Correction = iota
	// Bonferroni multiplies each p-value by the number of tests m.
	Bonferroni
	// BenjaminiHochberg controls the false discovery rate, the expected
	// fraction of false rejections among rejections (Benjamini & Hochberg
	// 1995), under independence or positive dependence: the i-th smallest
	// p-value is multiplied by m/i, then running minima from the top.
	BenjaminiHochberg
)

func (c Correction) String() string {
	switch c {
	case Bonferroni:
		return "Bonferroni"
	case Holm:
		return "Holm"
	case BenjaminiHochberg:
		return "Benjamini–Hochberg"
	}
	return fmt.Sprintf("Correction(%d)", int(c))
}

// AdjustPValues returns the adjusted p-values of method, capped at 1, in
// the order of p — statsmodels' multipletests pvals_corrected for
// "bonferroni", "holm" and "fdr_bh". Reject hypothesis i at level α when
// adjusted[i] ≤ α. p-values must be in [0, 1] (ErrArgument) and not NaN
// (ErrNaN).
func AdjustPValues(p []float64, method Correction) ([]float64, error) {
	for i, v := range p {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("%w: p[%d] is NaN", ErrNaN, i)
		}
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("%w: p[%d] = %v is not a probability", ErrArgument, i, v)
		}
	}
	m := float64(len(p))
	adj := make([]float64, len(p))
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	switch method {
	case Bonferroni:
		for i, v := range p {
			adj[i] = min(v*m, 1)
		}
	case Holm:
		run := 0.0
		for rank, i := range order {
			run = max(run, (m-float64(rank))*p[i])
			adj[i] = min(run, 1)
		}
	case BenjaminiHochberg:
		run := math.Inf(1)
		for rank := len(order) - 1; rank >= 0; rank-- {
			i := order[rank]
			run = min(run, m/float64(rank+1)*p[i])
			adj[i] = min(run, 1)
		}
	default:
		return nil, fmt.Errorf("%w: correction %v", ErrArgument, method)
	}
	return adj, nil
}
