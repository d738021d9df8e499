package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Options configures the t-tests and Pearson: the alternative and the
// level of Result.CI. The zero value is a two-sided test with a 95%
// confidence interval.
type Options struct {
	Alternative Alternative
	// Confidence is the level of Result.CI; 0 means 0.95.
	Confidence float64
}

// OneSampleTTest tests whether the mean of x equals mu (scipy.stats.ttest_1samp):
// t = (x̄ − mu)/(s/√n) with n − 1 degrees of freedom. Result.CI is the
// confidence interval for the mean (one-sided for one-sided alternatives).
// x needs two values; a sample with zero variance gives an undefined
// Result (SciPy returns ±Inf or NaN depending on rounding).
func OneSampleTTest(x []float64, mu float64, o Options) (Result, error) {
	if err := checkFinite("x", x, 2); err != nil {
		return Result{}, err
	}
	m := mean(x)
	n := float64(len(x))
	se := math.Sqrt(variance(x, nil) / n)
	return tResult(m, m-mu, se, n-1, allEqual(x), o)
}

// PairedTTest is the one-sample t-test on the differences x[i] − y[i]
// (scipy.stats.ttest_rel): the test for two models scored on the same
// examples. Result.CI is for the mean difference.
func PairedTTest(x, y []float64, o Options) (Result, error) {
	if err := checkPaired(x, y, 2); err != nil {
		return Result{}, err
	}
	d := make([]float64, len(x))
	for i := range x {
		d[i] = x[i] - y[i]
	}
	m := mean(d)
	n := float64(len(d))
	se := math.Sqrt(variance(d, nil) / n)
	return tResult(m, m, se, n-1, allEqual(d), o)
}

// StudentTTest is the two-sample t-test assuming equal variances
// (scipy.stats.ttest_ind, equal_var=True): pooled variance, n₁ + n₂ − 2
// degrees of freedom. Prefer WelchTTest unless the variances are known to
// be equal: Student's test is anti-conservative when the smaller sample has
// the larger variance. Result.CI is for x̄ − ȳ (SciPy 1.11's interval).
func StudentTTest(x, y []float64, o Options) (Result, error) {
	return twoSampleTTest(x, y, true, o)
}

// WelchTTest is the two-sample t-test without assuming equal variances
// (scipy.stats.ttest_ind, equal_var=False), with the Welch–Satterthwaite
// degrees of freedom (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)).
func WelchTTest(x, y []float64, o Options) (Result, error) {
	return twoSampleTTest(x, y, false, o)
}

func twoSampleTTest(x, y []float64, pooled bool, o Options) (Result, error) {
	if err := checkFinite("x", x, 2); err != nil {
		return Result{}, err
	}
	if err := checkFinite("y", y, 2); err != nil {
		return Result{}, err
	}
	n1, n2 := float64(len(x)), float64(len(y))
	v1, v2 := variance(x, nil), variance(y, nil)
	var df, se float64
	if pooled {
		df = n1 + n2 - 2
		se = math.Sqrt(((n1-1)*v1 + (n2-1)*v2) / df * (1/n1 + 1/n2))
	} else {
		vn1, vn2 := v1/n1, v2/n2
		df = (vn1 + vn2) * (vn1 + vn2) / (vn1*vn1/(n1-1) + vn2*vn2/(n2-1))
		se = math.Sqrt(vn1 + vn2)
	}
	d := mean(x) - mean(y)
	return tResult(d, d, se, df, v1 == 0 && v2 == 0, o)
}

// tResult finishes a t-test: t = diff/se against Student's t with df
// degrees of freedom, and the interval estimate ± t-quantile · se.
func tResult(estimate, diff, se, df float64, constant bool, o Options) (Result, error) {
	if err := o.Alternative.valid(); err != nil {
		return Result{}, err
	}
	level, err := confidence(o.Confidence)
	if err != nil {
		return Result{}, err
	}
	if constant || se == 0 {
		return undefined("t", "zero variance: the t statistic is 0/0 or ±Inf"), nil
	}
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	t := diff / se
	r := Result{Statistic: t, DF: df, Z: math.NaN(), Estimate: estimate, Method: "t", Defined: true}
	switch o.Alternative {
	case Less:
		r.PValue = dist.CDF(t)
		r.CI = Interval{Low: math.Inf(-1), High: estimate + dist.Quantile(level)*se, Level: level}
	case Greater:
		r.PValue = dist.CDF(-t)
		r.CI = Interval{Low: estimate + dist.Quantile(1-level)*se, High: math.Inf(1), Level: level}
	default:
		r.PValue = 2 * dist.CDF(-math.Abs(t))
		tail := (1 - level) / 2
		r.CI = Interval{Low: estimate + dist.Quantile(tail)*se, High: estimate + dist.Quantile(1-tail)*se, Level: level}
	}
	return r, nil
}
