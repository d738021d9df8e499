package quant

import (
	"fmt"
	"math"
)

// QParams are the parameters of a quantised tensor: q = clamp(round(x/scale)
// + zeroPoint) in DType's range, x̂ = (q − zeroPoint)·scale. Per-tensor
// parameters hold one scale and zero point; per-channel parameters hold one
// pair per index along Axis (torch.per_channel_affine's ch_axis).
type QParams struct {
	DType      DType
	Scale      []float32
	ZeroPoint  []int32
	PerChannel bool
	Axis       int
}

// PerTensor returns per-tensor parameters.
func PerTensor(d DType, scale float32, zeroPoint int32) QParams {
	return QParams{DType: d, Scale: []float32{scale}, ZeroPoint: []int32{zeroPoint}}
}

// validate checks the parameters against a tensor shape: one pair, or one
// per channel; positive finite scales; zero points in the type's range.
func (p QParams) validate(shape []int) error {
	lo, hi, err := p.DType.bounds()
	if err != nil {
		return err
	}
	if len(p.Scale) != len(p.ZeroPoint) {
		return fmt.Errorf("%w: %d scales, %d zero points", ErrScheme, len(p.Scale), len(p.ZeroPoint))
	}
	want := 1
	if p.PerChannel {
		if p.Axis < 0 || p.Axis >= len(shape) {
			return fmt.Errorf("%w: axis %d for shape %v", ErrScheme, p.Axis, shape)
		}
		want = shape[p.Axis]
	}
	if len(p.Scale) != want {
		return fmt.Errorf("%w: %d scales for %d channels", ErrScheme, len(p.Scale), want)
	}
	for i, s := range p.Scale {
		if !(s > 0) || math.IsInf(float64(s), 1) {
			return fmt.Errorf("%w: scale %v", ErrScheme, s)
		}
		if z := p.ZeroPoint[i]; z < lo || z > hi {
			return fmt.Errorf("%w: zero point %d outside %v's [%d, %d]", ErrScheme, z, p.DType, lo, hi)
		}
	}
	return nil
}

// channels returns how the flat index of a row-major tensor of the shape maps
// to its channel along axis: channel = (i / inner) % count. Per-tensor
// parameters are one channel.
func (p QParams) channels(shape []int) (count, inner int) {
	if !p.PerChannel {
		return 1, numel(shape)
	}
	return splitAxis("QParams", shape, p.Axis)
}

// splitAxis returns the size of axis and the product of the sizes after it.
func splitAxis(op string, shape []int, axis int) (count, inner int) {
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("quant: %s: axis %d out of range for shape %v", op, axis, shape))
	}
	inner = 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return shape[axis], inner
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("quant: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// checkShape panics unless shape holds n values; a nil shape means [n].
func checkShape(op string, n int, shape []int) []int {
	if shape == nil {
		return []int{n}
	}
	if numel(shape) != n {
		panic(fmt.Sprintf("quant: %s: %d values for shape %v", op, n, shape))
	}
	return shape
}
