package anomaly

import "math"

// eulerGamma is the Euler–Mascheroni constant (numpy.euler_gamma).
const eulerGamma = 0.5772156649015329

// AveragePathLength is c(n), the average path length of an unsuccessful
// search in a binary search tree of n keys, which is also the expected depth
// at which an isolation tree grown on n samples isolates a point:
//
//	c(n) = 2 H(n−1) − 2(n−1)/n,  H(i) ≈ ln i + γ,
//
// with c(n) = 0 for n ≤ 1 and c(2) = 1, exactly as scikit-learn's
// _average_path_length. It normalises path lengths (the score is
// 2^(−E[h]/c(ψ))) and corrects the depth of a leaf that still holds n
// samples when the height limit stopped the growth.
func AveragePathLength(n int) float64 {
	switch {
	case n <= 1:
		return 0
	case n == 2:
		return 1
	}
	m := float64(n)
	return 2.0*(math.Log(m-1.0)+eulerGamma) - 2.0*(m-1.0)/m
}

// heightLimit is the depth at which tree growth stops, ceil(log2 ψ), the
// average height of a tree on ψ samples: deeper points are normal anyway, so
// growing further only costs time (scikit-learn: max_depth =
// ceil(log2(max(ψ, 2)))).
func heightLimit(psi int) int {
	return int(math.Ceil(math.Log2(float64(max(psi, 2)))))
}
