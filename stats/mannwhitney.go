package stats

import (
	"math"
	"slices"
)

// MannWhitneyOptions configures MannWhitneyU. The zero value is SciPy's
// default: two-sided, automatic method, continuity correction on.
type MannWhitneyOptions struct {
	Alternative Alternative
	Method      Method
	// NoContinuity turns off the ½ continuity correction of the normal
	// approximation (use_continuity=False).
	NoContinuity bool
}

// MannWhitneyU is the Wilcoxon rank-sum / Mann–Whitney U test
// (scipy.stats.mannwhitneyu): do x and y come from the same distribution,
// against x stochastically greater (Greater), smaller (Less) or either?
// Statistic is U₁ = R₁ − n₁(n₁+1)/2, with R₁ the rank sum of x in the
// pooled sample (average ranks for ties); U₁/(n₁n₂) is the probability that
// a random x exceeds a random y, ties counting ½ — the ROC AUC of "x versus
// y". Auto uses the exact null distribution when both samples have at most
// 8 values, or one does, and there are no ties; otherwise the normal
// approximation with tie correction and (unless NoContinuity) continuity
// correction. Exact ignores ties, as SciPy does.
func MannWhitneyU(x, y []float64, o MannWhitneyOptions) (Result, error) {
	if err := checkFinite("x", x, 1); err != nil {
		return Result{}, err
	}
	if err := checkFinite("y", y, 1); err != nil {
		return Result{}, err
	}
	if err := o.Alternative.valid(); err != nil {
		return Result{}, err
	}
	if err := o.Method.valid(); err != nil {
		return Result{}, err
	}
	n1, n2 := len(x), len(y)
	ranks, ties := rankData(slices.Concat(x, y))
	u1 := numpySum(ranks[:n1]) - float64(n1*(n1+1))/2
	u2 := float64(n1*n2) - u1
	u, factor := max(u1, u2), 2.0
	switch o.Alternative {
	case Greater:
		u, factor = u1, 1
	case Less:
		u, factor = u2, 1
	}
	method := o.Method
	if method == Auto {
		method = Exact
		if (n1 > 8 && n2 > 8) || len(ties) > 0 {
			method = Asymptotic
		}
	}
	r := Result{Statistic: u1, DF: math.NaN(), Z: math.NaN(), Estimate: math.NaN(), Method: method.String(), Defined: true}
	if method == Exact {
		r.PValue = mannWhitneySF(int(u), n1, n2)
	} else {
		n := float64(n1 + n2)
		s := math.Sqrt(float64(n1*n2) / 12 * ((n + 1) - tieTerm(ties)/(n*(n-1))))
		num := u - float64(n1*n2)/2
		if !o.NoContinuity {
			num -= 0.5
		}
		r.Z = num / s
		r.PValue = normalSF(r.Z)
	}
	r.PValue = min(max(r.PValue*factor, 0), 1)
	return r, nil
}

// mannWhitneySF is P(U ≥ u) under the null for sample sizes m and n, from
// the exact frequencies of U. By symmetry it is P(U ≤ mn − u), which only
// needs the frequencies up to mn − u: few when the p-value is small.
func mannWhitneySF(u, m, n int) float64 {
	k := m*n - u
	if k < 0 {
		return 0
	}
	counts := mannWhitneyCounts(m, n, k)
	var c float64
	for _, v := range counts {
		c += v
	}
	return c / combinations(m+n, m)
}

// mannWhitneyCounts returns f(m, n, j) for j = 0 … kmax: the number of
// orderings of m x's and n y's in which exactly j (x, y) pairs have x above
// y. It runs the recurrence f(m, n, j) = f(m−1, n, j−n) + f(m, n−1, j) of
// Mann & Whitney (1947) over n with one row per m: additions of
// non-negative counts only, so no cancellation even in the far tail.
// The work is O(m·n·kmax) with m the smaller size.
func mannWhitneyCounts(m, n, kmax int) []float64 {
	if m > n {
		m, n = n, m
	}
	f := make([][]float64, m+1)
	for i := range f {
		f[i] = make([]float64, kmax+1)
	}
	// With no y yet (n' = 0): only j = 0 is possible.
	for i := range f {
		f[i][0] = 1
	}
	for nn := 1; nn <= n; nn++ {
		// f[i] holds f(i, nn−1, ·); update in place to f(i, nn, ·) for
		// increasing i, so f[i−1] is already at nn.
		for i := 1; i <= m; i++ {
			row, prev := f[i], f[i-1]
			for j := kmax; j >= nn; j-- {
				row[j] += prev[j-nn]
			}
		}
	}
	return f[m]
}

// combinations is C(n, k) in floating point.
func combinations(n, k int) float64 {
	k = min(k, n-k)
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return c
}
