package stats

import "gonum.org/v1/gonum/stat/distuv"

// normalSF is the standard normal upper tail as SciPy's norm.sf computes it,
// Φ(−z) through erfc. gonum's Normal.Survival is 1 − erf, which cancels to 0
// beyond z ≈ 8 where the tests report p-values like 1e-73.
func normalSF(z float64) float64 { return distuv.UnitNormal.CDF(-z) }
