package cloud

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/x448/float16"
)

// The binary tensor data extension (Triton, KServe): a body is a JSON object
// of HeaderContentLength bytes followed by raw tensor data, little-endian,
// row-major, one block per tensor that carries a "binary_data_size"
// parameter, in the order the tensors appear in the JSON. A row of 512 FP32
// values costs 2 KiB to copy instead of ~7 KiB of decimals to parse.

// HeaderContentLength is the HTTP header that gives the length of the JSON
// part of a body using the binary tensor data extension.
const HeaderContentLength = "Inference-Header-Content-Length"

// Parameter names of the extension.
const (
	// paramBinarySize (int64) on an input or output tensor: its data is
	// this many bytes of the binary part.
	paramBinarySize = "binary_data_size"
	// paramBinaryOutput (bool) on an InferRequest: every output comes back
	// binary unless its RequestedOutput says otherwise.
	paramBinaryOutput = "binary_data_output"
	// paramBinary (bool) on a RequestedOutput: this output comes back binary.
	paramBinary = "binary_data"
)

// DecodeInferRequest decodes a request body whose first headerLen bytes
// are the JSON object and the rest the binary data of the inputs that carry
// "binary_data_size". headerLen is the Inference-Header-Content-Length
// value, or len(body) for a plain JSON body. Sizes that do not match the
// shape and datatype, or binary bytes left over, are ErrInvalidRequest.
func DecodeInferRequest(body []byte, headerLen int) (InferRequest, error) {
	var r InferRequest
	if err := checkHeaderLen(headerLen, len(body)); err != nil {
		return r, err
	}
	if err := r.decode(body[:headerLen]); err != nil {
		return r, err
	}
	return r, attachBinary(r.Inputs, body[headerLen:])
}

// DecodeInferResponse decodes a response body the way DecodeInferRequest
// decodes a request.
func DecodeInferResponse(body []byte, headerLen int) (InferResponse, error) {
	var r InferResponse
	if err := checkHeaderLen(headerLen, len(body)); err != nil {
		return r, err
	}
	if err := r.decode(body[:headerLen]); err != nil {
		return r, err
	}
	return r, attachBinary(r.Outputs, body[headerLen:])
}

// EncodeBinary encodes r with every input's data in binary; headerLen is
// the value for the Inference-Header-Content-Length header.
func (r InferRequest) EncodeBinary() (body []byte, headerLen int, err error) {
	b, err := r.appendJSON(nil, true)
	if err != nil {
		return nil, 0, err
	}
	return appendBinaryData(b, r.Inputs, allBinary(len(r.Inputs))), len(b), nil
}

// EncodeBinary encodes r with every output's data in binary; headerLen is
// the value for the Inference-Header-Content-Length header.
func (r InferResponse) EncodeBinary() (body []byte, headerLen int, err error) {
	return r.appendBinary(nil, allBinary(len(r.Outputs)))
}

// appendBinary appends the response with the outputs marked in bin sent as
// binary data, and returns the JSON header's length.
func (r InferResponse) appendBinary(b []byte, bin []bool) ([]byte, int, error) {
	start := len(b)
	b, err := r.appendJSONHeader(b, bin)
	if err != nil {
		return b, 0, err
	}
	n := len(b) - start
	return appendBinaryData(b, r.Outputs, bin), n, nil
}

func allBinary(n int) []bool {
	bin := make([]bool, n)
	for i := range bin {
		bin[i] = true
	}
	return bin
}

func checkHeaderLen(headerLen, bodyLen int) error {
	if headerLen < 0 || headerLen > bodyLen {
		return fmt.Errorf("%w: %s %d does not fit a body of %d bytes", ErrInvalidRequest, HeaderContentLength, headerLen, bodyLen)
	}
	return nil
}

// parseHeaderLen reads the Inference-Header-Content-Length header value.
func parseHeaderLen(v string, bodyLen int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a byte count", ErrInvalidRequest, HeaderContentLength, v)
	}
	return n, checkHeaderLen(n, bodyLen)
}

// binarySize returns a tensor's binary_data_size parameter, and whether it
// has one.
func binarySize(t *Tensor) (int, bool, error) {
	v, ok := t.Parameters[paramBinarySize]
	if !ok {
		return 0, false, nil
	}
	n, isInt := v.(int64)
	if !isInt || n < 0 {
		return 0, true, fmt.Errorf("%w: tensor %q: %s must be a non-negative integer, got %v", ErrInvalidRequest, t.Name, paramBinarySize, v)
	}
	return int(n), true, nil
}

// attachBinary gives each tensor with a binary_data_size its block of bin,
// in order, and removes the parameter (it describes the wire, not the
// tensor). Every byte of bin must be used.
func attachBinary(ts []Tensor, bin []byte) error {
	for i := range ts {
		t := &ts[i]
		size, ok, err := binarySize(t)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if size > len(bin) {
			return fmt.Errorf("%w: tensor %q: %s %d exceeds the %d binary bytes left", ErrInvalidRequest, t.Name, paramBinarySize, size, len(bin))
		}
		if t.Data, err = decodeBinary(t.Datatype, t.Shape, bin[:size]); err != nil {
			return fmt.Errorf("%w (tensor %q)", err, t.Name)
		}
		bin = bin[size:]
		delete(t.Parameters, paramBinarySize)
		if len(t.Parameters) == 0 {
			t.Parameters = nil
		}
	}
	if len(bin) > 0 {
		return fmt.Errorf("%w: %d binary bytes after the last tensor's data", ErrInvalidRequest, len(bin))
	}
	return nil
}

// elemSize is the size in bytes of one element of dt in binary form; 0 for
// BYTES, whose elements carry their own length.
func elemSize(dt Datatype) int {
	switch dt {
	case BOOL, UINT8, INT8:
		return 1
	case UINT16, INT16, FP16:
		return 2
	case UINT32, INT32, FP32:
		return 4
	case UINT64, INT64, FP64:
		return 8
	}
	return 0
}

// decodeBinary converts one tensor's binary block into its Go slice.
func decodeBinary(dt Datatype, shape []int, raw []byte) (any, error) {
	n := shapeLen(shape)
	if dt == BYTES {
		return decodeBinaryBytes(n, raw)
	}
	if size := elemSize(dt); n < 0 || n*size != len(raw) {
		return nil, fmt.Errorf("%w: shape %v of %s needs %d bytes of binary data, got %d", ErrInvalidRequest, shape, dt, n*size, len(raw))
	}
	le := binary.LittleEndian
	switch dt {
	case BOOL:
		out := make([]bool, n)
		for i, c := range raw {
			if c > 1 {
				return nil, fmt.Errorf("%w: BOOL byte %d is %d, want 0 or 1", ErrInvalidRequest, i, c)
			}
			out[i] = c == 1
		}
		return out, nil
	case UINT8:
		return append([]uint8(nil), raw...), nil
	case INT8:
		return fixed(raw, 1, func(b []byte) int8 { return int8(b[0]) }), nil
	case UINT16:
		return fixed(raw, 2, le.Uint16), nil
	case INT16:
		return fixed(raw, 2, func(b []byte) int16 { return int16(le.Uint16(b)) }), nil
	case UINT32:
		return fixed(raw, 4, le.Uint32), nil
	case INT32:
		return fixed(raw, 4, func(b []byte) int32 { return int32(le.Uint32(b)) }), nil
	case UINT64:
		return fixed(raw, 8, le.Uint64), nil
	case INT64:
		return fixed(raw, 8, func(b []byte) int64 { return int64(le.Uint64(b)) }), nil
	case FP16:
		return fixed(raw, 2, func(b []byte) float32 { return float16.Frombits(le.Uint16(b)).Float32() }), nil
	case FP32:
		return fixed(raw, 4, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) }), nil
	case FP64:
		return fixed(raw, 8, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }), nil
	}
	return nil, fmt.Errorf("%w: unknown datatype %q", ErrInvalidRequest, dt)
}

func fixed[T any](raw []byte, size int, conv func([]byte) T) []T {
	out := make([]T, len(raw)/size)
	for i := range out {
		out[i] = conv(raw[i*size:])
	}
	return out
}

// decodeBinaryBytes reads n BYTES elements, each a 4-byte little-endian
// length and that many bytes, filling raw exactly.
func decodeBinaryBytes(n int, raw []byte) ([]string, error) {
	// Each element takes at least its 4-byte length.
	if n < 0 || n > len(raw)/4 {
		return nil, fmt.Errorf("%w: %d BYTES elements cannot fit %d bytes of binary data", ErrInvalidRequest, n, len(raw))
	}
	out := make([]string, n)
	for i := range out {
		if len(raw) < 4 {
			return nil, fmt.Errorf("%w: BYTES element %d: binary data ends inside its length", ErrInvalidRequest, i)
		}
		l := binary.LittleEndian.Uint32(raw)
		if uint64(l) > uint64(len(raw)-4) {
			return nil, fmt.Errorf("%w: BYTES element %d: length %d exceeds the %d bytes left", ErrInvalidRequest, i, l, len(raw)-4)
		}
		out[i] = string(raw[4 : 4+l])
		raw = raw[4+l:]
	}
	if len(raw) > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last BYTES element", ErrInvalidRequest, len(raw))
	}
	return out, nil
}

// binaryLen is the size of t's data in binary form.
func binaryLen(t Tensor) int {
	if s, ok := t.Data.([]string); ok {
		n := 0
		for _, v := range s {
			n += 4 + len(v)
		}
		return n
	}
	n, _ := dataLen(t.Datatype, t.Data)
	return n * elemSize(t.Datatype)
}

// appendBinaryData appends the data of the tensors marked in bin, in order.
// The tensors have passed check.
func appendBinaryData(b []byte, ts []Tensor, bin []bool) []byte {
	le := binary.LittleEndian
	for i, t := range ts {
		if !bin[i] {
			continue
		}
		switch v := t.Data.(type) {
		case []bool:
			for _, x := range v {
				b = append(b, boolByte(x))
			}
		case []uint8:
			b = append(b, v...)
		case []int8:
			for _, x := range v {
				b = append(b, byte(x))
			}
		case []uint16:
			b = appendFixed(b, v, le.AppendUint16)
		case []int16:
			b = appendFixed(b, v, func(b []byte, x int16) []byte { return le.AppendUint16(b, uint16(x)) })
		case []uint32:
			b = appendFixed(b, v, le.AppendUint32)
		case []int32:
			b = appendFixed(b, v, func(b []byte, x int32) []byte { return le.AppendUint32(b, uint32(x)) })
		case []uint64:
			b = appendFixed(b, v, le.AppendUint64)
		case []int64:
			b = appendFixed(b, v, func(b []byte, x int64) []byte { return le.AppendUint64(b, uint64(x)) })
		case []float32:
			if t.Datatype == FP16 {
				b = appendFixed(b, v, func(b []byte, x float32) []byte { return le.AppendUint16(b, float16.Fromfloat32(x).Bits()) })
			} else {
				b = appendFixed(b, v, func(b []byte, x float32) []byte { return le.AppendUint32(b, math.Float32bits(x)) })
			}
		case []float64:
			b = appendFixed(b, v, func(b []byte, x float64) []byte { return le.AppendUint64(b, math.Float64bits(x)) })
		case []string:
			for _, x := range v {
				b = append(le.AppendUint32(b, uint32(len(x))), x...)
			}
		}
	}
	return b
}

func appendFixed[T any](b []byte, v []T, put func([]byte, T) []byte) []byte {
	for _, x := range v {
		b = put(b, x)
	}
	return b
}

func boolByte(x bool) byte {
	if x {
		return 1
	}
	return 0
}

// wantsBinary reports whether output o should be answered in binary: its
// own "binary_data" parameter, else the request's "binary_data_output".
func wantsBinary(req map[string]any, o map[string]any) (bool, error) {
	if v, ok := o[paramBinary]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return false, fmt.Errorf("%w: output parameter %q must be a boolean, got %v", ErrInvalidRequest, paramBinary, v)
		}
		return b, nil
	}
	if v, ok := req[paramBinaryOutput]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return false, fmt.Errorf("%w: parameter %q must be a boolean, got %v", ErrInvalidRequest, paramBinaryOutput, v)
		}
		return b, nil
	}
	return false, nil
}
