package anomaly

import (
	"math"
	"slices"
)

// percentile returns the q-th percentile (q in [0, 100]) of x with numpy's
// default 'linear' method (Hyndman & Fan type 7), reproducing
// numpy.percentile's arithmetic so that an offset computed from the same
// scores is bit-for-bit scikit-learn's offset_:
//
//	v = (n−1)·q/100,  i = ⌊v⌋,  g = v − i,
//	result = x₍ᵢ₎ + (x₍ᵢ₊₁₎ − x₍ᵢ₎)·g        (g < 0.5)
//	       = x₍ᵢ₊₁₎ − (x₍ᵢ₊₁₎ − x₍ᵢ₎)·(1 − g)  (g ≥ 0.5).
//
// The two branches are numpy's _lerp, which keeps the result monotone in g.
// x is not modified. It returns NaN for empty x or q outside
// [0, 100].
func percentile(x []float64, q float64) float64 {
	if len(x) == 0 || !(q >= 0 && q <= 100) {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	v := float64(n-1) * (q / 100)
	if v >= float64(n-1) {
		return s[n-1]
	}
	i := int(math.Floor(v))
	g := v - float64(i)
	a, b := s[i], s[i+1]
	diff := b - a
	if g >= 0.5 {
		return b - diff*(1-g)
	}
	return a + diff*g
}
