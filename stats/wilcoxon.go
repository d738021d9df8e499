package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// WilcoxonOptions configures Wilcoxon. The zero value is SciPy's default:
// two-sided, automatic method, no continuity correction, zeros dropped
// (zero_method="wilcox").
type WilcoxonOptions struct {
	Alternative Alternative
	Method      Method
	// Continuity applies the ½ continuity correction to the normal
	// approximation (correction=True).
	Continuity bool
}

// Wilcoxon is the Wilcoxon signed-rank test (scipy.stats.wilcoxon with
// zero_method="wilcox"): is the distribution of the differences d = x − y
// (or of x itself when y is nil) symmetric about zero? Zero differences are
// dropped, the rest ranked by |d| (average ranks for ties), and R⁺ and R⁻
// are the rank sums of the positive and negative differences. Statistic is
// min(R⁺, R⁻) for the two-sided test and R⁺ otherwise.
//
// Auto follows SciPy 1.10: the exact distribution of R⁺ when there are at
// most 50 differences (counting zeros) and no zero, the normal
// approximation otherwise (with the tie correction of the variance;
// Result.Z is the standardised statistic). Like SciPy 1.10, the exact
// method ignores ties and truncates a tied R⁺ such as 17.5 to 17. All-zero
// differences make the normal approximation undefined: ErrArgument.
func Wilcoxon(x, y []float64, o WilcoxonOptions) (Result, error) {
	d, err := differences(x, y)
	if err != nil {
		return Result{}, err
	}
	if err := o.Alternative.valid(); err != nil {
		return Result{}, err
	}
	if err := o.Method.valid(); err != nil {
		return Result{}, err
	}
	method := o.Method
	if method == Auto {
		method = Asymptotic
		if len(d) <= 50 {
			method = Exact
		}
	}
	sr := signedRanks(d)
	if sr.n < len(d) {
		method = Asymptotic // SciPy switches when there are zeros
	}
	if sr.n == 0 {
		return Result{}, fmt.Errorf("%w: every difference is zero", ErrArgument)
	}
	rPlus, rMinus := sr.plus, sr.minus
	stat := rPlus
	if o.Alternative == TwoSided {
		stat = min(rPlus, rMinus)
	}
	r := Result{Statistic: stat, DF: math.NaN(), Z: math.NaN(), Estimate: math.NaN(), Method: method.String(), Defined: true}
	n := float64(sr.n)
	if method == Exact {
		r.PValue = wilcoxonExactP(int(rPlus), sr.n, o.Alternative)
		return r, nil
	}
	mn := n * (n + 1) * 0.25
	se := n * (n + 1) * (2*n + 1)
	se -= 0.5 * tieTerm(sr.ties)
	se = math.Sqrt(se / 24)
	var corr float64
	if o.Continuity {
		switch o.Alternative {
		case TwoSided:
			corr = 0.5 * sign(stat-mn)
		case Less:
			corr = -0.5
		default:
			corr = 0.5
		}
	}
	r.Z = (stat - mn - corr) / se
	switch o.Alternative {
	case TwoSided:
		r.PValue = 2 * normalSF(math.Abs(r.Z))
	case Greater:
		r.PValue = normalSF(r.Z)
	default:
		r.PValue = distuv.UnitNormal.CDF(r.Z)
	}
	return r, nil
}

// differences returns x − y, or x when y is nil, after validation.
func differences(x, y []float64) ([]float64, error) {
	if y == nil {
		return x, checkFinite("x", x, 1)
	}
	if err := checkPaired(x, y, 1); err != nil {
		return nil, err
	}
	d := make([]float64, len(x))
	for i := range x {
		d[i] = x[i] - y[i]
	}
	return d, nil
}

// signedRankSums holds the rank sums of the positive and negative non-zero
// differences, ranked by absolute value, their number and the tie groups.
type signedRankSums struct {
	plus, minus float64
	n           int
	ties        []int
}

// signedRanks drops zero differences (zero_method="wilcox") and ranks the
// rest by |d|.
func signedRanks(d []float64) signedRankSums {
	nonzero := make([]float64, 0, len(d))
	abs := make([]float64, 0, len(d))
	for _, v := range d {
		if v != 0 {
			nonzero = append(nonzero, v)
			abs = append(abs, math.Abs(v))
		}
	}
	ranks, ties := rankData(abs)
	s := signedRankSums{n: len(nonzero), ties: ties}
	for i, v := range nonzero {
		if v > 0 {
			s.plus += ranks[i]
		} else {
			s.minus += ranks[i]
		}
	}
	return s
}

// wilcoxonExactP computes the p-value of R⁺ = rPlus among n differences
// from the exact null distribution, in which each rank is positive with
// probability ½ independently.
func wilcoxonExactP(rPlus, n int, alt Alternative) float64 {
	pmf := wilcoxonPMF(n)
	var below, above float64 // P(R⁺ ≤ rPlus), P(R⁺ ≥ rPlus)
	for k, p := range pmf {
		if k <= rPlus {
			below += p
		}
		if k >= rPlus {
			above += p
		}
	}
	var p float64
	switch alt {
	case Greater:
		p = above
	case Less:
		p = below
	default:
		if rPlus == (len(pmf)-1)/2 {
			return 1
		}
		p = 2 * min(above, below)
	}
	return min(max(p, 0), 1)
}

// wilcoxonPMF is the null distribution of R⁺ for n ranks: adding rank k
// shifts half the mass by k. The probabilities are multiples of 2⁻ⁿ and
// exact in float64 for the n ≤ 50 the exact test is used for.
func wilcoxonPMF(n int) []float64 {
	c := []float64{1}
	for k := 1; k <= n; k++ {
		next := make([]float64, k*(k+1)/2+1)
		for i, v := range c {
			next[i] += v * 0.5
			next[i+k] += v * 0.5
		}
		c = next
	}
	return c
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
