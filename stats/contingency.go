package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarMethod chooses how McNemar computes its p-value.
type McNemarMethod int

const (
	// McNemarExact is the exact binomial test on the discordant pairs, the
	// zero value and statsmodels' default: right for small counts.
	McNemarExact McNemarMethod = iota
	// McNemarChiSquare is the χ² approximation with Edwards' continuity
	// correction, (|b − c| − 1)²/(b + c).
	McNemarChiSquare
	// McNemarChiSquareUncorrected is (b − c)²/(b + c).
	McNemarChiSquareUncorrected
)

// McNemar tests whether two classifiers evaluated on the same examples have
// the same error rate (McNemar 1947; Dietterich 1998 recommends it for a
// single test set). table[i][j] counts examples where classifier A is right
// (i = 0) or wrong (i = 1) and B is right (j = 0) or wrong (j = 1); only the
// discordant cells b = table[0][1] and c = table[1][0] matter. Under the
// null b ~ Binomial(b + c, ½). The exact method's Statistic is min(b, c) and
// its two-sided p-value min(1, 2·P(X ≤ min(b, c))), statsmodels'
// definition; the χ² methods have one degree of freedom. With no
// discordant pairs the exact p-value is 1 and the χ² statistic undefined.
func McNemar(table [2][2]int, method McNemarMethod) (Result, error) {
	for i, row := range table {
		for j, v := range row {
			if v < 0 {
				return Result{}, fmt.Errorf("%w: table[%d][%d] = %d is negative", ErrArgument, i, j, v)
			}
		}
	}
	b, c := float64(table[0][1]), float64(table[1][0])
	n := b + c
	switch method {
	case McNemarExact:
		k := min(b, c)
		p := 2 * distuv.Binomial{N: n, P: 0.5}.CDF(k)
		return Result{Statistic: k, PValue: min(p, 1), DF: math.NaN(), Z: math.NaN(), Estimate: math.NaN(),
			Method: "exact", Defined: true}, nil
	case McNemarChiSquare, McNemarChiSquareUncorrected:
		if n == 0 {
			return undefined("chi-square", "no discordant pairs: (b − c)²/(b + c) is 0/0"), nil
		}
		d := math.Abs(b - c)
		if method == McNemarChiSquare {
			d--
		}
		stat := d * d / n
		return Result{Statistic: stat, PValue: distuv.ChiSquared{K: 1}.Survival(stat), DF: 1, Z: math.NaN(),
			Estimate: math.NaN(), Method: "chi-square", Defined: true}, nil
	}
	return Result{}, fmt.Errorf("%w: McNemar method %d", ErrArgument, method)
}

// ChiSquareResult is a χ² test of independence with the expected counts
// under independence, row total × column total / grand total.
type ChiSquareResult struct {
	Result
	Expected [][]float64
}

// ChiSquareIndependence is Pearson's χ² test of independence for an r×c
// table of counts (scipy.stats.chi2_contingency): χ² = Σ (O − E)²/E with
// (r − 1)(c − 1) degrees of freedom. With yates, a table with one degree
// of freedom (2×2) has each |O − E| shrunk by up to ½ first (Yates'
// correction, SciPy's default). A table with zero degrees of freedom gives
// χ² = 0 and p = 1, as SciPy. Negative or non-finite counts, ragged rows
// and a zero expected count (an empty row or column) are errors. The
// approximation is poor when expected counts fall below about 5; use an
// exact test then.
func ChiSquareIndependence(observed [][]float64, yates bool) (ChiSquareResult, error) {
	rows := len(observed)
	if rows == 0 || len(observed[0]) == 0 {
		return ChiSquareResult{}, fmt.Errorf("%w: empty table", ErrEmpty)
	}
	cols := len(observed[0])
	rowSum := make([]float64, rows)
	colSum := make([]float64, cols)
	var total float64
	for i, row := range observed {
		if len(row) != cols {
			return ChiSquareResult{}, fmt.Errorf("%w: table row %d has %d cells, row 0 has %d", ErrLength, i, len(row), cols)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return ChiSquareResult{}, fmt.Errorf("%w: table[%d][%d] = %v", ErrNaN, i, j, v)
			}
			if v < 0 {
				return ChiSquareResult{}, fmt.Errorf("%w: table[%d][%d] = %v is negative", ErrArgument, i, j, v)
			}
			rowSum[i] += v
			colSum[j] += v
			total += v
		}
	}
	expected := make([][]float64, rows)
	for i := range expected {
		expected[i] = make([]float64, cols)
		for j := range expected[i] {
			expected[i][j] = rowSum[i] * colSum[j] / total
			if expected[i][j] == 0 {
				return ChiSquareResult{}, fmt.Errorf("%w: expected count at [%d][%d] is zero (an empty row or column)", ErrArgument, i, j)
			}
		}
	}
	dof := float64((rows - 1) * (cols - 1))
	res := ChiSquareResult{Expected: expected, Result: Result{DF: dof, Z: math.NaN(), Estimate: math.NaN(), Method: "chi-square", Defined: true}}
	if dof == 0 {
		res.PValue = 1
		return res, nil
	}
	terms := make([]float64, 0, rows*cols)
	for i, row := range observed {
		for j, o := range row {
			e := expected[i][j]
			if yates && dof == 1 {
				diff := e - o
				o += min(0.5, math.Abs(diff)) * sign(diff)
			}
			terms = append(terms, (o-e)*(o-e)/e)
		}
	}
	res.Statistic = numpySum(terms)
	res.PValue = distuv.ChiSquared{K: dof}.Survival(res.Statistic)
	return res, nil
}
