package kernels

import (
	"fmt"
	"math"
)

// QuantizeU8 sets q[i] = clamp(round(x[i]·(1/scale)) + zeroPoint, 0, 255)
// for i < len(x), rounding half to even like torch.quantize_per_tensor: the
// activation side of a quantised Linear (see doc.go). NaN quantises to 0,
// ±Inf to 0 or 255. It panics if scale is not positive and finite, if the
// zero point is outside [0, 255], or if q is shorter than x.
func QuantizeU8(x []float32, scale float32, zeroPoint int32, q []uint8) {
	if !(scale > 0) || math.IsInf(float64(scale), 1) {
		panic(fmt.Sprintf("kernels: QuantizeU8: scale %v is not positive and finite", scale))
	}
	if zeroPoint < 0 || zeroPoint > 255 {
		panic(fmt.Sprintf("kernels: QuantizeU8: zero point %d outside [0, 255]", zeroPoint))
	}
	if len(q) < len(x) {
		panic(fmt.Sprintf("kernels: QuantizeU8: q has %d elements for %d values", len(q), len(x)))
	}
	inv := 1 / scale
	parallelStrips(len(x), 64, len(x)*elementwiseCost, func(lo, hi int) {
		quantizeU8(x[lo:hi], inv, zeroPoint, q[lo:hi])
	})
}

// elementwiseCost is what one element of an elementwise pass (quantise,
// dequantise) counts for in parallelStrips' multiply-add budget: the passes
// are memory-bound, so a 64×1024 activation is worth splitting across two
// goroutines, and a single row is not.
const elementwiseCost = 8

func quantizeU8(x []float32, inv float32, zeroPoint int32, q []uint8) {
	done := 0
	if selected != Generic && len(x) >= 8 {
		done = len(x) / 8 * 8
		quantizeU8AVX2(done, &x[0], inv, zeroPoint, &q[0])
	}
	for i := done; i < len(x); i++ {
		v := x[i] * inv
		if !(v > -512) { // also NaN, as the assembly does
			v = -512
		}
		v = min(v, 512)
		q[i] = uint8(min(255, max(0, int32(math.RoundToEven(float64(v)))+zeroPoint)))
	}
}

// MinMax returns the smallest and largest non-NaN values of x, the range a
// dynamic quantiser turns into a scale and zero point. NaN elements are
// skipped; for an empty or all-NaN x it returns lo = +Inf, hi = −Inf.
func MinMax(x []float32) (lo, hi float32) {
	lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	done := 0
	if selected != Generic && len(x) >= 8 {
		done = len(x) / 8 * 8
		lo, hi = minMaxAVX2(done, &x[0])
	}
	for _, v := range x[done:] {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

// Dequantize sets y[i,j] = scale[j]·float32(acc[i,j] + offset[j]) + bias[j]
// for the m×n int32 matrix acc (row stride ldacc) into the float32 matrix y
// (row stride ldy): the output side of a quantised Linear. With activations
// (s_x, z_x) and weights (s_w[j], zero point 0) the arguments are
// scale[j] = s_x·s_w[j] and offset[j] = −z_x·RowSums()[j] (see doc.go);
// per-tensor weights repeat s_w. offset, scale and bias need n elements.
func Dequantize(m, n int, acc []int32, ldacc int, offset []int32, scale, bias []float32, y []float32, ldy int) {
	checkMatrix("Dequantize", "acc", m, n, acc, ldacc)
	checkMatrix("Dequantize", "y", m, n, y, ldy)
	if len(offset) < n || len(scale) < n || len(bias) < n {
		panic(fmt.Sprintf("kernels: Dequantize: offset, scale, bias have %d, %d, %d elements for n = %d", len(offset), len(scale), len(bias), n))
	}
	done := 0
	if selected != Generic && n >= 8 {
		done = n / 8 * 8
	}
	parallelStrips(m, 1, m*n*elementwiseCost, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a, out := acc[i*ldacc:i*ldacc+n], y[i*ldy:i*ldy+n]
			if done > 0 {
				dequantizeRowAVX2(done, &a[0], &offset[0], &scale[0], &bias[0], &out[0])
			}
			for j := done; j < n; j++ {
				out[j] = scale[j]*float32(a[j]+offset[j]) + bias[j]
			}
		}
	})
}
