package stats

import (
	"cmp"
	"slices"
)

// rankData assigns average ranks (1-based; ties share the mean of the ranks
// they span), as scipy.stats.rankdata's default. It also returns the sizes
// of the tie groups with more than one member, for tie corrections.
func rankData(x []float64) (ranks []float64, ties []int) {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && x[idx[j]] == x[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if j-i > 1 {
			ties = append(ties, j-i)
		}
		i = j
	}
	return ranks, ties
}

// tieTerm is Σ (t³ − t) over tie groups.
func tieTerm(ties []int) float64 {
	var s float64
	for _, t := range ties {
		ft := float64(t)
		s += ft*ft*ft - ft
	}
	return s
}
