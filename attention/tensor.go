package attention

import (
	"fmt"

	"gorgonia.org/tensor"
)

// float32Data returns t's values in row-major order and its shape. A view
// (a slice or transpose of another tensor) is copied into contiguous memory
// first; otherwise the returned slice shares t's backing array. what names
// the argument in the panic raised when t is nil or not Float32.
func float32Data(what string, t *tensor.Dense) ([]float32, tensor.Shape) {
	if t == nil {
		panic(fmt.Sprintf("attention: %s is nil", what))
	}
	if t.Dtype() != tensor.Float32 {
		panic(fmt.Sprintf("attention: %s has dtype %v, want float32", what, t.Dtype()))
	}
	if t.Shape().TotalSize() == 0 { // gorgonia's Data panics on empty tensors
		return nil, t.Shape()
	}
	t = contiguous(t)
	data := t.Data().([]float32)
	return data[:t.Shape().TotalSize()], t.Shape()
}

// boolData is float32Data for Bool tensors (masks).
func boolData(what string, t *tensor.Dense) ([]bool, tensor.Shape) {
	if t.Dtype() != tensor.Bool {
		panic(fmt.Sprintf("attention: %s has dtype %v, want bool", what, t.Dtype()))
	}
	if t.Shape().TotalSize() == 0 {
		return nil, t.Shape()
	}
	t = contiguous(t)
	data := t.Data().([]bool)
	return data[:t.Shape().TotalSize()], t.Shape()
}

func contiguous(t *tensor.Dense) *tensor.Dense {
	if t.RequiresIterator() {
		return t.Materialize().(*tensor.Dense)
	}
	return t
}

// newTensor wraps data (not copied) in a Float32 tensor of the given shape.
func newTensor(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// sequences checks that t is a (B, L, E) Float32 tensor and returns its data
// and dimensions; what names the argument in the panic message.
func sequences(what string, t *tensor.Dense) (data []float32, b, l, e int) {
	data, s := float32Data(what, t)
	if len(s) != 3 {
		panic(fmt.Sprintf("attention: %s has shape %v, want (batch, length, features)", what, s))
	}
	return data, s[0], s[1], s[2]
}
