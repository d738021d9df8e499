package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// CV52Folds returns the splits of Dietterich's 5×2 cross-validation for n
// examples: five random halvings, folds[i][0] and folds[i][1] holding the
// two halves' indices (sizes ⌊n/2⌋ and ⌈n/2⌉) of replication i. Train on
// one half and test on the other, both ways, for both models.
func CV52Folds(n int, seed uint64) ([5][2][]int, error) {
	var folds [5][2][]int
	if n < 2 {
		return folds, fmt.Errorf("%w: 5×2cv needs at least 2 examples, got %d", ErrEmpty, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x35783263))
	for i := range folds {
		perm := rng.Perm(n)
		folds[i][0], folds[i][1] = perm[:n/2], perm[n/2:]
	}
	return folds, nil
}

// CV52TTest is Dietterich's 5×2cv paired t-test (Dietterich 1998).
// diffs[i][j] is the difference in a score (error rate, accuracy) between
// the two models when trained on fold j of replication i and tested on the
// other fold. With s²ᵢ the variance of replication i's two differences,
//
//	t = diffs[0][0] / √(Σᵢ s²ᵢ / 5)
//
// follows Student's t with 5 degrees of freedom. Dietterich showed it keeps
// its nominal type-I error where the resampled t-test and k-fold CV t-test
// do not (their training sets overlap, so their differences are
// correlated). A zero denominator (all differences equal within each
// replication) gives an undefined Result.
func CV52TTest(diffs [5][2]float64, alt Alternative) (Result, error) {
	s2, err := cv52Variances(diffs)
	if err != nil {
		return Result{}, err
	}
	if err := alt.valid(); err != nil {
		return Result{}, err
	}
	den := math.Sqrt((s2[0] + s2[1] + s2[2] + s2[3] + s2[4]) / 5)
	if den == 0 {
		return undefined("t", "every replication's two differences are equal: the variance estimate is 0"), nil
	}
	t := diffs[0][0] / den
	dist := distuv.StudentsT{Sigma: 1, Nu: 5}
	r := Result{Statistic: t, DF: 5, Z: math.NaN(), Estimate: math.NaN(), Method: "t", Defined: true}
	switch alt {
	case Less:
		r.PValue = dist.CDF(t)
	case Greater:
		r.PValue = dist.CDF(-t)
	default:
		r.PValue = 2 * dist.CDF(-math.Abs(t))
	}
	return r, nil
}

// CV52FTest is Alpaydın's combined 5×2cv F test (Alpaydın 1999), which uses
// all ten differences instead of one and is more powerful and more stable
// than the t-test:
//
//	F = Σᵢⱼ diffs[i][j]² / (2 Σᵢ s²ᵢ)  ~  F(10, 5).
//
// It is two-sided by construction.
func CV52FTest(diffs [5][2]float64) (Result, error) {
	s2, err := cv52Variances(diffs)
	if err != nil {
		return Result{}, err
	}
	var num, den float64
	for i, row := range diffs {
		num += row[0]*row[0] + row[1]*row[1]
		den += s2[i]
	}
	if den == 0 {
		return undefined("F", "every replication's two differences are equal: the variance estimate is 0"), nil
	}
	f := num / (2 * den)
	return Result{Statistic: f, PValue: distuv.F{D1: 10, D2: 5}.Survival(f), DF: 5, Z: math.NaN(),
		Estimate: math.NaN(), Method: "F", Defined: true}, nil
}

// cv52Variances returns s²ᵢ = (d₁ − d̄)² + (d₂ − d̄)² for each replication.
func cv52Variances(diffs [5][2]float64) ([5]float64, error) {
	var s2 [5]float64
	for i, row := range diffs {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return s2, fmt.Errorf("%w: diffs[%d][%d] = %v", ErrNaN, i, j, v)
			}
		}
		m := (row[0] + row[1]) / 2
		s2[i] = (row[0]-m)*(row[0]-m) + (row[1]-m)*(row[1]-m)
	}
	return s2, nil
}
