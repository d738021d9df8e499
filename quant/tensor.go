package quant

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/mlprep/mlprep/internal/kernels"
)

// Tensor is a quantised tensor: one byte per value (two's complement for
// Int8), row-major in Shape, with its parameters.
type Tensor struct {
	Shape  []int
	Params QParams
	Data   []byte
}

// Quantize returns x (row-major, shape; nil shape means one dimension)
// quantised with p as torch.quantize_per_tensor / quantize_per_channel do:
// q = clamp(round(x·(1/scale)) + zeroPoint) to the type's full range, rounding
// half to even. It returns ErrNonFinite for NaN or Inf in x and ErrScheme for
// parameters that do not fit the shape; it panics if shape does not hold
// len(x) values.
func Quantize(x []float32, shape []int, p QParams) (*Tensor, error) {
	shape = checkShape("Quantize", len(x), shape)
	if err := p.validate(shape); err != nil {
		return nil, err
	}
	if err := checkFinite("x", x); err != nil {
		return nil, err
	}
	t := &Tensor{Shape: append([]int(nil), shape...), Params: p.clone(), Data: make([]byte, len(x))}
	count, inner := p.channels(shape)
	if p.DType == UInt8 && count == 1 {
		kernels.QuantizeU8(x, p.Scale[0], p.ZeroPoint[0], t.Data)
		return t, nil
	}
	lo, hi, _ := p.DType.bounds()
	for start := 0; start < len(x); start += inner {
		c := start / inner % count
		inv, z := 1/p.Scale[c], p.ZeroPoint[c]
		out := t.Data[start : start+inner]
		for i, v := range x[start : start+inner] {
			q := int32(math.RoundToEven(float64(v*inv))) + z
			out[i] = byte(min(max(q, lo), hi))
		}
	}
	return t, nil
}

func (p QParams) clone() QParams {
	p.Scale = append([]float32(nil), p.Scale...)
	p.ZeroPoint = append([]int32(nil), p.ZeroPoint...)
	return p
}

// Int returns the integer value of element i.
func (t *Tensor) Int(i int) int32 {
	if t.Params.DType == Int8 {
		return int32(int8(t.Data[i]))
	}
	return int32(t.Data[i])
}

// Int8s returns the values of an Int8 tensor, sharing memory with Data.
func (t *Tensor) Int8s() []int8 {
	if t.Params.DType != Int8 {
		panic("quant: Int8s of a " + t.Params.DType.String() + " tensor")
	}
	if len(t.Data) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&t.Data[0])), len(t.Data))
}

// Dequantize returns x̂ = (q − zeroPoint)·scale for every element.
func (t *Tensor) Dequantize() []float32 {
	out := make([]float32, len(t.Data))
	count, inner := t.Params.channels(t.Shape)
	for start := 0; start < len(out); start += inner {
		c := start / inner % count
		s, z := t.Params.Scale[c], t.Params.ZeroPoint[c]
		for i := start; i < start+inner; i++ {
			out[i] = float32(t.Int(i)-z) * s
		}
	}
	return out
}

// String summarises the tensor for debugging.
func (t *Tensor) String() string {
	kind := "per-tensor"
	if t.Params.PerChannel {
		kind = fmt.Sprintf("per-channel (axis %d)", t.Params.Axis)
	}
	return fmt.Sprintf("quant.Tensor{%v %v %s}", t.Shape, t.Params.DType, kind)
}
