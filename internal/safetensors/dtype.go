package safetensors

// DType is an element type named as in the safetensors specification.
type DType string

// The element types of the specification. Float32s and FromFloat32 convert
// F32, F16 and BF16 (and F64 on reading); the others pass through as bytes.
const (
	BOOL   DType = "BOOL"
	U8     DType = "U8"
	I8     DType = "I8"
	F8E5M2 DType = "F8_E5M2"
	F8E4M3 DType = "F8_E4M3"
	I16    DType = "I16"
	U16    DType = "U16"
	F16    DType = "F16"
	BF16   DType = "BF16"
	I32    DType = "I32"
	U32    DType = "U32"
	F32    DType = "F32"
	F64    DType = "F64"
	I64    DType = "I64"
	U64    DType = "U64"
)

// dtypeOrder lists the dtypes in the reference implementation's alignment
// order; writers place tensors of later dtypes first.
var dtypeOrder = []DType{BOOL, U8, I8, F8E5M2, F8E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64}

var dtypeSizes = map[DType]int{
	BOOL: 1, U8: 1, I8: 1, F8E5M2: 1, F8E4M3: 1,
	I16: 2, U16: 2, F16: 2, BF16: 2,
	I32: 4, U32: 4, F32: 4,
	F64: 8, I64: 8, U64: 8,
}

// Size is the number of bytes of one element, or 0 for a name outside the
// specification.
func (d DType) Size() int { return dtypeSizes[d] }

// rank is d's position in dtypeOrder.
func (d DType) rank() int {
	for i, o := range dtypeOrder {
		if o == d {
			return i
		}
	}
	return -1
}
