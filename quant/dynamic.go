package quant

import "math"

// smallScale is the smallest activation scale torch's dynamic quantisation
// uses (fbgemm's SMALL_SCALE_THRESHOLD, the smallest normal float16).
const smallScale = float32(6.1e-5)

// dynamicParams returns the uint8 scale and zero point torch's dynamic Linear
// picks for activations in [lo, hi] at run time: fbgemm's
// ChooseQuantizationParams (quant_utils in ATen), which differs from the
// observers' formula in three ways. The scale is computed in float64 and cut
// off below smallScale (widening the range to match) instead of floored at
// eps; a scale of 0 becomes 0.1; and the zero point is solved from whichever
// end, min or max, has the smaller rounding error. reduceRange halves the
// range to [0, 127].
func dynamicParams(lo, hi float32, reduceRange bool) (scale float32, zeroPoint int32) {
	qmin, qmax := 0.0, 255.0
	if reduceRange {
		qmax = 127
	}
	lo, hi = min(lo, 0), max(hi, 0)
	s := (float64(hi) - float64(lo)) / (qmax - qmin)
	if float32(s) == 0 || math.IsInf(float64(1/float32(s)), 0) {
		s = 0.1
	}
	if s < float64(smallScale) {
		org := float32(s)
		s = float64(smallScale)
		switch {
		case lo == 0:
			hi = smallScale * float32(qmax-qmin)
		case hi == 0:
			lo = -smallScale * float32(qmax-qmin)
		default:
			amp := smallScale / org
			lo, hi = lo*amp, hi*amp
		}
	}
	fromMin := qmin - float64(lo)/s
	fromMax := qmax - float64(hi)/s
	errMin := math.Abs(qmin) - math.Abs(float64(lo)/s)
	errMax := math.Abs(qmax) - math.Abs(float64(hi)/s)
	z := fromMax
	if errMin < errMax {
		z = fromMin
	}
	switch {
	case z < qmin:
		zeroPoint = int32(qmin)
	case z > qmax:
		zeroPoint = int32(qmax)
	default:
		zeroPoint = int32(math.RoundToEven(z))
	}
	return float32(s), zeroPoint
}
