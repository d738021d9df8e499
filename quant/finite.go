package quant

import (
	"fmt"
	"math"
)

// checkFinite returns an error wrapping ErrNonFinite naming the first NaN or
// ±Inf in x, or nil. It runs on every batch a quantised model sees, so the
// fast path has no branch per value: a float32 is NaN or Inf exactly when its
// eight exponent bits are all ones, and adding 1 to that field (masked, so
// nothing else carries) sets bit 31 for those values only.
func checkFinite(what string, x []float32) error {
	const exp, one = 0x7f800000, 0x00800000
	var acc uint32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		acc |= (math.Float32bits(v[0])&exp + one) | (math.Float32bits(v[1])&exp + one) |
			(math.Float32bits(v[2])&exp + one) | (math.Float32bits(v[3])&exp + one) |
			(math.Float32bits(v[4])&exp + one) | (math.Float32bits(v[5])&exp + one) |
			(math.Float32bits(v[6])&exp + one) | (math.Float32bits(v[7])&exp + one)
	}
	for _, v := range x[i:] {
		acc |= math.Float32bits(v)&exp + one
	}
	if acc>>31 == 0 {
		return nil
	}
	for j, v := range x {
		if !finite(v) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrNonFinite, what, j, v)
		}
	}
	return nil
}
