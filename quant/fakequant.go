package quant

import (
	"fmt"
	"math"
)

// FakeQuantize sets y[i] = (clamp(round(x[i]/s) + z, qmin, qmax) − z)·s, x
// rounded onto the grid a quantised tensor with parameters p and integer
// range [qmin, qmax] can hold, but kept in float32: what quantisation-aware
// training inserts in the forward pass (torch.fake_quantize_per_tensor_affine
// and fake_quantize_per_channel_affine). If inRange is not nil it also
// records where round(x/s) + z fell inside [qmin, qmax]: the straight-through
// estimator's gradient is dy there and 0 where the value was clipped.
//
// shape may be nil for per-tensor p. It returns ErrNonFinite for NaN or Inf in
// x and ErrScheme for invalid parameters or range; it panics if y, inRange
// (when not nil) or shape do not match len(x).
func FakeQuantize(y, x []float32, shape []int, p QParams, qmin, qmax int32, inRange []bool) error {
	shape = checkShape("FakeQuantize", len(x), shape)
	if len(y) != len(x) || (inRange != nil && len(inRange) != len(x)) {
		panic(fmt.Sprintf("quant: FakeQuantize: %d values, y has %d, inRange %d", len(x), len(y), len(inRange)))
	}
	if err := p.validate(shape); err != nil {
		return err
	}
	if lo, hi, _ := p.DType.bounds(); qmin > 0 || qmax < 0 || qmin >= qmax || qmin < lo || qmax > hi {
		return fmt.Errorf("%w: fake-quantisation range [%d, %d] for %v", ErrScheme, qmin, qmax, p.DType)
	}
	if err := checkFinite("x", x); err != nil {
		return err
	}
	count, inner := p.channels(shape)
	for start := 0; start < len(x); start += inner {
		c := start / inner % count
		s, z, inv := p.Scale[c], p.ZeroPoint[c], 1/p.Scale[c]
		for i := start; i < start+inner; i++ {
			q := int32(math.RoundToEven(float64(x[i]*inv))) + z
			if inRange != nil {
				inRange[i] = q >= qmin && q <= qmax
			}
			y[i] = float32(min(max(q, qmin), qmax)-z) * s
		}
	}
	return nil
}
