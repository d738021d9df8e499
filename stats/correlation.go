package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Pearson is Pearson's correlation r with the p-value of
// scipy.stats.pearsonr: under independence of normal variables r follows a
// Beta(n/2 − 1, n/2 − 1) law on [−1, 1], exact for any n. Result.CI is the
// Fisher-z interval, tanh(atanh r ± z·/√(n − 3)), as PearsonRResult's
// confidence_interval (for n ≤ 3 it is [−1, 1]). For n = 2, r = ±1 and p = 1.
// A constant sample gives an undefined Result, as SciPy returns NaN. The
// Alternative options use Options.
func Pearson(x, y []float64, o Options) (Result, error) {
	if err := checkPaired(x, y, 2); err != nil {
		return Result{}, err
	}
	if err := o.Alternative.valid(); err != nil {
		return Result{}, err
	}
	level, err := confidence(o.Confidence)
	if err != nil {
		return Result{}, err
	}
	if allEqual(x) || allEqual(y) {
		return undefined("beta", "constant input: the correlation is undefined"), nil
	}
	n := len(x)
	res := Result{DF: math.NaN(), Z: math.NaN(), Method: "beta", Defined: true}
	if n == 2 {
		res.Statistic = sign(x[1]-x[0]) * sign(y[1]-y[0])
		res.PValue = 1
	} else {
		r := pearsonR(x, y)
		res.Statistic = r
		// SciPy evaluates the Beta survival at (|r| + 1)/2; using the
		// symmetry sf(v) = cdf(1 − v), with 1 − v exact, keeps the tail
		// accurate for |r| near 1 without changing the rounding of v.
		ab := float64(n)/2 - 1
		beta := distuv.Beta{Alpha: ab, Beta: ab}
		upper := func(r float64) float64 { return beta.CDF(1 - (r+1)/2) } // P(R ≥ r)
		switch o.Alternative {
		case Less:
			res.PValue = beta.CDF((r + 1) / 2)
		case Greater:
			res.PValue = upper(r)
		default:
			res.PValue = 2 * upper(math.Abs(r))
		}
	}
	res.Estimate = res.Statistic
	res.CI = fisherInterval(res.Statistic, n, level, o.Alternative)
	return res, nil
}

// pearsonR follows SciPy: centre, normalise each vector, dot, clip.
func pearsonR(x, y []float64) float64 {
	mx, my := mean(x), mean(y)
	xm := make([]float64, len(x))
	ym := make([]float64, len(y))
	for i := range x {
		xm[i] = x[i] - mx
		ym[i] = y[i] - my
	}
	nx, ny := norm2(xm), norm2(ym)
	var r float64
	for i := range xm {
		r += (xm[i] / nx) * (ym[i] / ny)
	}
	return max(min(r, 1), -1)
}

func norm2(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// fisherInterval is the Fisher-z confidence interval for a correlation.
func fisherInterval(r float64, n int, level float64, alt Alternative) Interval {
	ci := Interval{Low: -1, High: 1, Level: level}
	if n <= 3 {
		return ci
	}
	z := math.Atanh(r)
	se := math.Sqrt(1 / float64(n-3))
	switch alt {
	case Less:
		ci.High = math.Tanh(z + distuv.UnitNormal.Quantile(level)*se)
	case Greater:
		ci.Low = math.Tanh(z - distuv.UnitNormal.Quantile(level)*se)
	default:
		h := distuv.UnitNormal.Quantile(0.5 + level/2)
		ci.Low, ci.High = math.Tanh(z-h*se), math.Tanh(z+h*se)
	}
	return ci
}

// Spearman is Spearman's rank correlation ρ — Pearson's r on average ranks —
// with scipy.stats.spearmanr's p-value: t = ρ√((n − 2)/((1 + ρ)(1 − ρ)))
// against Student's t with n − 2 degrees of freedom (an approximation that
// is good for n above about 10). ρ = ±1 gives p = 0; n = 2 gives p = NaN,
// as SciPy. A constant sample gives an undefined Result.
func Spearman(x, y []float64, alt Alternative) (Result, error) {
	if err := checkPaired(x, y, 2); err != nil {
		return Result{}, err
	}
	if err := alt.valid(); err != nil {
		return Result{}, err
	}
	if allEqual(x) || allEqual(y) {
		return undefined("t", "constant input: the correlation is undefined"), nil
	}
	rx, _ := rankData(x)
	ry, _ := rankData(y)
	rho := corrcoef(rx, ry)
	dof := float64(len(x) - 2)
	t := rho * math.Sqrt(max(dof/((rho+1)*(1-rho)), 0))
	if dof == 0 {
		t = math.NaN()
	}
	res := Result{Statistic: rho, DF: dof, Z: math.NaN(), Estimate: math.NaN(), Method: "t", Defined: true}
	dist := distuv.StudentsT{Sigma: 1, Nu: dof}
	switch {
	case math.IsNaN(t):
		res.PValue = math.NaN()
	case alt == Less:
		res.PValue = dist.CDF(t)
	case alt == Greater:
		res.PValue = dist.CDF(-t)
	default:
		res.PValue = 2 * dist.CDF(-math.Abs(t))
	}
	return res, nil
}

// corrcoef is numpy.corrcoef's off-diagonal entry: cov / sd / sd.
func corrcoef(x, y []float64) float64 {
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	f := float64(len(x) - 1)
	return max(min(sxy/f/math.Sqrt(sxx/f)/math.Sqrt(syy/f), 1), -1)
}
