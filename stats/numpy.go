package stats

// SciPy computes means and variances with NumPy, whose sum is pairwise
// (blocks of 128 summed with eight accumulators, halves summed recursively).
// Summing the same way keeps our statistics within an ulp or two of SciPy's,
// which matters where a test subtracts nearly equal numbers.

// numpySum is numpy.add.reduce over a contiguous float64 array.
func numpySum(x []float64) float64 {
	n := len(x)
	switch {
	case n < 8:
		var s float64
		for _, v := range x {
			s += v
		}
		return s
	case n <= 128:
		// Eight accumulators, unrolled by hand (Go does not unroll loops).
		r0, r1, r2, r3, r4, r5, r6, r7 := x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
		i := 8
		for ; i+8 <= n; i += 8 {
			b := x[i : i+8 : i+8]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
			r4 += b[4]
			r5 += b[5]
			r6 += b[6]
			r7 += b[7]
		}
		s := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	default:
		h := n / 2
		h -= h % 8
		return numpySum(x[:h]) + numpySum(x[h:])
	}
}

// mean is numpy.mean.
func mean(x []float64) float64 { return numpySum(x) / float64(len(x)) }

// variance is SciPy's _var with ddof 1: the mean squared deviation scaled
// by n/(n−1). buf, if long enough, is used as scratch space.
func variance(x, buf []float64) float64 {
	m := mean(x)
	if cap(buf) < len(x) {
		buf = make([]float64, len(x))
	}
	d := buf[:len(x)]
	for i, v := range x {
		d[i] = (v - m) * (v - m)
	}
	n := float64(len(x))
	return mean(d) * (n / (n - 1))
}

// allEqual reports whether every value equals the first.
func allEqual(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}
