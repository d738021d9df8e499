package kernels

import "math"

// AllFinite reports whether no element of x is NaN or ±Inf: the check a
// quantised layer runs on its input before MinMax and QuantizeU8, which
// would otherwise skip NaN and saturate Inf silently. A float32 is NaN or
// Inf exactly when its eight exponent bits are all ones.
func AllFinite(x []float32) bool {
	done := 0
	if selected != Generic && len(x) >= 32 {
		done = len(x) / 32 * 32
		if !allFiniteAVX2(done, &x[0]) {
			return false
		}
	}
	// No branch per value: adding 1 to an all-ones exponent field (masked,
	// so nothing else carries) sets bit 31, and for no other value.
	const exp, one = 0x7f800000, 0x00800000
	var acc uint32
	for _, v := range x[done:] {
		acc |= math.Float32bits(v)&exp + one
	}
	return acc>>31 == 0
}
