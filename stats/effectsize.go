package stats

import (
	"math"
	"slices"
)

// CohensD is the standardised mean difference (x̄ − ȳ)/s_p with the pooled
// standard deviation s_p = √(((n₁−1)s₁² + (n₂−1)s₂²)/(n₁+n₂−2)) (Cohen
// 1988): 0.2 small, 0.5 medium, 0.8 large by Cohen's rough convention. It is
// biased upward in small samples; see HedgesG. Zero pooled variance gives
// NaN or ±Inf, as the formula does; each sample needs two values.
func CohensD(x, y []float64) (float64, error) {
	if err := checkFinite("x", x, 2); err != nil {
		return 0, err
	}
	if err := checkFinite("y", y, 2); err != nil {
		return 0, err
	}
	n1, n2 := float64(len(x)), float64(len(y))
	sp := math.Sqrt(((n1-1)*variance(x, nil) + (n2-1)*variance(y, nil)) / (n1 + n2 - 2))
	return (mean(x) - mean(y)) / sp, nil
}

// HedgesG is Cohen's d times the exact small-sample correction
// J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2)), ν = n₁ + n₂ − 2 (Hedges 1981), which
// makes it an unbiased estimate of the population effect size. J ≈ 1 − 3/(4ν − 1).
func HedgesG(x, y []float64) (float64, error) {
	d, err := CohensD(x, y)
	if err != nil {
		return 0, err
	}
	nu := float64(len(x) + len(y) - 2)
	if nu < 2 {
		return math.NaN(), nil // J needs Γ((ν−1)/2) with ν > 1
	}
	a, _ := math.Lgamma(nu / 2)
	b, _ := math.Lgamma((nu - 1) / 2)
	return d * math.Exp(a-b) / math.Sqrt(nu/2), nil
}

// RankBiserial is the rank-biserial correlation of two independent samples,
// 2U₁/(n₁n₂) − 1 with U₁ the Mann–Whitney statistic of x (Glass 1965;
// Kerby 2014): the probability that a random x exceeds a random y minus the
// reverse, in [−1, 1], ties counting half. It is the effect size that goes
// with MannWhitneyU, and equals 2·AUC − 1.
func RankBiserial(x, y []float64) (float64, error) {
	if err := checkFinite("x", x, 1); err != nil {
		return 0, err
	}
	if err := checkFinite("y", y, 1); err != nil {
		return 0, err
	}
	n1, n2 := len(x), len(y)
	ranks, _ := rankData(slices.Concat(x, y))
	u1 := numpySum(ranks[:n1]) - float64(n1*(n1+1))/2
	return 2*u1/float64(n1*n2) - 1, nil
}

// RankBiserialPaired is the matched-pairs rank-biserial correlation that
// goes with Wilcoxon: (R⁺ − R⁻)/(R⁺ + R⁻) over the non-zero differences
// x − y (or x when y is nil), in [−1, 1]. All-zero differences give NaN.
func RankBiserialPaired(x, y []float64) (float64, error) {
	d, err := differences(x, y)
	if err != nil {
		return 0, err
	}
	s := signedRanks(d)
	return (s.plus - s.minus) / (s.plus + s.minus), nil
}
