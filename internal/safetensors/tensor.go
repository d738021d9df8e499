package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/x448/float16"
)

// Tensor is one named array of a file: its element type, its shape and its
// little-endian row-major bytes.
type Tensor struct {
	DType DType
	Shape []int
	Data  []byte
}

// NumElements is the product of the shape (1 for a 0-d tensor).
func (t Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float32s decodes a floating-point tensor (F32, F16, BF16 or F64) into
// float32 values. Other dtypes return an error wrapping ErrDType.
func (t Tensor) Float32s() ([]float32, error) {
	size := t.DType.Size()
	if size == 0 || len(t.Data) != t.NumElements()*size {
		return nil, fmt.Errorf("%w: %s tensor of shape %v holds %d bytes", ErrCorrupt, t.DType, t.Shape, len(t.Data))
	}
	out := make([]float32, len(t.Data)/size)
	le := binary.LittleEndian
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(t.Data[4*i:]))
		}
	case F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(t.Data[8*i:])))
		}
	case F16:
		for i := range out {
			out[i] = float16.Frombits(le.Uint16(t.Data[2*i:])).Float32()
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(t.Data[2*i:])) << 16)
		}
	default:
		return nil, fmt.Errorf("%w: cannot read %s as float32", ErrDType, t.DType)
	}
	return out, nil
}

// FromFloat32 encodes x with the given shape as an F32, F16 or BF16 tensor,
// rounding to nearest even as PyTorch's .half() and .bfloat16() do. It
// returns an error if the shape does not hold len(x) values or dtype is
// another type.
func FromFloat32(dtype DType, shape []int, x []float32) (Tensor, error) {
	t := Tensor{DType: dtype, Shape: append([]int{}, shape...)}
	for _, d := range shape {
		if d < 0 {
			return Tensor{}, fmt.Errorf("safetensors: negative dimension in shape %v", shape)
		}
	}
	if t.NumElements() != len(x) {
		return Tensor{}, fmt.Errorf("safetensors: shape %v holds %d values, got %d", shape, t.NumElements(), len(x))
	}
	le := binary.LittleEndian
	switch dtype {
	case F32:
		t.Data = make([]byte, 0, 4*len(x))
		for _, v := range x {
			t.Data = le.AppendUint32(t.Data, math.Float32bits(v))
		}
	case F16:
		t.Data = make([]byte, 0, 2*len(x))
		for _, v := range x {
			t.Data = le.AppendUint16(t.Data, float16.Fromfloat32(v).Bits())
		}
	case BF16:
		t.Data = make([]byte, 0, 2*len(x))
		for _, v := range x {
			t.Data = le.AppendUint16(t.Data, bfloat16Bits(v))
		}
	default:
		return Tensor{}, fmt.Errorf("%w: cannot write float32 values as %s", ErrDType, dtype)
	}
	return t, nil
}

// bfloat16Bits keeps the top 16 bits of v, rounding the dropped half to
// nearest even; NaN stays a quiet NaN rather than rounding into infinity.
func bfloat16Bits(v float32) uint16 {
	if v != v {
		return 0x7fc0
	}
	b := math.Float32bits(v)
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}
