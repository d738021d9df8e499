package cloud

import (
	"fmt"
	"slices"
)

// Datatype is a tensor element type of the Open Inference Protocol.
type Datatype string

// The protocol's datatypes and the Go slice type that holds each one in
// Tensor.Data.
const (
	BOOL   Datatype = "BOOL"   // []bool
	UINT8  Datatype = "UINT8"  // []uint8
	UINT16 Datatype = "UINT16" // []uint16
	UINT32 Datatype = "UINT32" // []uint32
	UINT64 Datatype = "UINT64" // []uint64
	INT8   Datatype = "INT8"   // []int8
	INT16  Datatype = "INT16"  // []int16
	INT32  Datatype = "INT32"  // []int32
	INT64  Datatype = "INT64"  // []int64
	FP16   Datatype = "FP16"   // []float32 (values held in single precision)
	FP32   Datatype = "FP32"   // []float32
	FP64   Datatype = "FP64"   // []float64
	BYTES  Datatype = "BYTES"  // []string
)

// Valid reports whether d is one of the protocol's datatypes.
func (d Datatype) Valid() bool {
	switch d {
	case BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES:
		return true
	}
	return false
}

// Tensor is one named tensor of an inference request or response. Data is a
// flat, row-major slice whose Go type is fixed by Datatype (see the
// constants) and whose length is the product of Shape.
type Tensor struct {
	Name     string
	Datatype Datatype
	Shape    []int
	Data     any
	// Parameters are the tensor's protocol parameters (string, bool, int64
	// or float64 values); nil when there are none.
	Parameters map[string]any
}

// NewFP32 returns an FP32 tensor; it panics if len(data) does not match shape.
func NewFP32(name string, shape []int, data []float32) Tensor {
	t := Tensor{Name: name, Datatype: FP32, Shape: shape, Data: data}
	if err := t.check(); err != nil {
		panic(err.Error())
	}
	return t
}

// FP32 returns the data of an FP32 or FP16 tensor, or nil for any other datatype.
func (t Tensor) FP32() []float32 {
	v, _ := t.Data.([]float32)
	return v
}

// INT64 returns the data of an INT64 tensor, or nil for any other datatype.
func (t Tensor) INT64() []int64 {
	v, _ := t.Data.([]int64)
	return v
}

// Bytes returns the data of a BYTES tensor, or nil for any other datatype.
func (t Tensor) Bytes() []string {
	v, _ := t.Data.([]string)
	return v
}

// Len is the number of elements the shape describes.
func (t Tensor) Len() int { return shapeLen(t.Shape) }

// shapeLen is the product of the dimensions, or -1 when a dimension is
// negative or the product overflows.
func shapeLen(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return -1
		}
		if d != 0 && n > (1<<53)/d {
			return -1
		}
		n *= d
	}
	return n
}

// dataLen is the number of elements in a Data slice and whether its Go type
// is the one the datatype requires.
func dataLen(dt Datatype, data any) (int, bool) {
	switch v := data.(type) {
	case []bool:
		return len(v), dt == BOOL
	case []uint8:
		return len(v), dt == UINT8
	case []uint16:
		return len(v), dt == UINT16
	case []uint32:
		return len(v), dt == UINT32
	case []uint64:
		return len(v), dt == UINT64
	case []int8:
		return len(v), dt == INT8
	case []int16:
		return len(v), dt == INT16
	case []int32:
		return len(v), dt == INT32
	case []int64:
		return len(v), dt == INT64
	case []float32:
		return len(v), dt == FP32 || dt == FP16
	case []float64:
		return len(v), dt == FP64
	case []string:
		return len(v), dt == BYTES
	}
	return 0, false
}

// check reports a tensor whose Data does not match its Datatype and Shape.
func (t Tensor) check() error {
	n, ok := dataLen(t.Datatype, t.Data)
	if !ok {
		return fmt.Errorf("cloud: tensor %q: data of type %T does not hold datatype %s", t.Name, t.Data, t.Datatype)
	}
	if want := shapeLen(t.Shape); want != n {
		return fmt.Errorf("cloud: tensor %q: shape %v needs %d elements, data has %d", t.Name, t.Shape, want, n)
	}
	return nil
}

// rowSlice returns rows [lo, hi) of a tensor whose first dimension is the
// batch, sharing the backing array.
func (t Tensor) rowSlice(lo, hi int) Tensor {
	per := 1
	if len(t.Shape) > 1 {
		per = shapeLen(t.Shape[1:])
	}
	out := t
	out.Shape = slices.Clone(t.Shape)
	out.Shape[0] = hi - lo
	out.Data = sliceData(t.Data, lo*per, hi*per)
	return out
}

func sliceData(data any, lo, hi int) any {
	switch v := data.(type) {
	case []bool:
		return v[lo:hi:hi]
	case []uint8:
		return v[lo:hi:hi]
	case []uint16:
		return v[lo:hi:hi]
	case []uint32:
		return v[lo:hi:hi]
	case []uint64:
		return v[lo:hi:hi]
	case []int8:
		return v[lo:hi:hi]
	case []int16:
		return v[lo:hi:hi]
	case []int32:
		return v[lo:hi:hi]
	case []int64:
		return v[lo:hi:hi]
	case []float32:
		return v[lo:hi:hi]
	case []float64:
		return v[lo:hi:hi]
	case []string:
		return v[lo:hi:hi]
	}
	panic(fmt.Sprintf("cloud: unsupported tensor data type %T", data))
}

// concatRows stacks tensors of the same name, datatype and trailing shape
// along the first (batch) dimension.
func concatRows(parts []Tensor) Tensor {
	if len(parts) == 1 {
		return parts[0]
	}
	out := parts[0]
	out.Shape = slices.Clone(parts[0].Shape)
	rows := 0
	for _, p := range parts {
		rows += p.Shape[0]
	}
	out.Shape[0] = rows
	out.Data = appendAll(parts)
	return out
}

func appendAll(parts []Tensor) any {
	switch parts[0].Data.(type) {
	case []bool:
		return concatData[bool](parts)
	case []uint8:
		return concatData[uint8](parts)
	case []uint16:
		return concatData[uint16](parts)
	case []uint32:
		return concatData[uint32](parts)
	case []uint64:
		return concatData[uint64](parts)
	case []int8:
		return concatData[int8](parts)
	case []int16:
		return concatData[int16](parts)
	case []int32:
		return concatData[int32](parts)
	case []int64:
		return concatData[int64](parts)
	case []float32:
		return concatData[float32](parts)
	case []float64:
		return concatData[float64](parts)
	case []string:
		return concatData[string](parts)
	}
	panic(fmt.Sprintf("cloud: unsupported tensor data type %T", parts[0].Data))
}

func concatData[T any](parts []Tensor) []T {
	n := 0
	for _, p := range parts {
		n += len(p.Data.([]T))
	}
	out := make([]T, 0, n)
	for _, p := range parts {
		out = append(out, p.Data.([]T)...)
	}
	return out
}
