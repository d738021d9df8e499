package cloud

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// InferRequest is the body of POST /v2/models/{name}[/versions/{v}]/infer.
// Its JSON methods speak the protocol's format, so clients can use
// encoding/json on it; the server decodes bodies with the same parser.
type InferRequest struct {
	ID         string
	Parameters map[string]any
	Inputs     []Tensor
	// Outputs names the outputs wanted; empty means all of them.
	Outputs []RequestedOutput
}

// RequestedOutput names one output a request wants.
type RequestedOutput struct {
	Name       string
	Parameters map[string]any
}

// InferResponse is the body answering an InferRequest.
type InferResponse struct {
	ModelName    string
	ModelVersion string
	ID           string
	Parameters   map[string]any
	Outputs      []Tensor
}

// UnmarshalJSON decodes a request. Tensor data may be flat or nested as
// the shape says (row-major); either way it must hold exactly the number of
// elements the shape describes, each valid for the datatype. A request
// using the binary tensor data extension needs DecodeInferRequest.
func (r *InferRequest) UnmarshalJSON(b []byte) error {
	var err error
	*r, err = DecodeInferRequest(b, len(b))
	return err
}

// decode reads the JSON object of a request; tensors with a
// binary_data_size parameter are left without data.
func (r *InferRequest) decode(b []byte) error {
	*r = InferRequest{}
	s := &scanner{b: b}
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "id":
			r.ID, err = s.str()
		case "parameters":
			r.Parameters, err = s.parameters()
		case "inputs":
			err = s.array(func() error {
				t, err := s.tensor()
				r.Inputs = append(r.Inputs, t)
				return err
			})
		case "outputs":
			err = s.array(func() error {
				o, err := s.requestedOutput()
				r.Outputs = append(r.Outputs, o)
				return err
			})
		default:
			_, err = s.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(r.Inputs) == 0 {
		return fmt.Errorf("%w: no inputs", ErrInvalidRequest)
	}
	return s.end()
}

// UnmarshalJSON decodes a response. A response using the binary tensor
// data extension needs DecodeInferResponse.
func (r *InferResponse) UnmarshalJSON(b []byte) error {
	var err error
	*r, err = DecodeInferResponse(b, len(b))
	return err
}

// decode reads the JSON object of a response, as InferRequest.decode.
func (r *InferResponse) decode(b []byte) error {
	*r = InferResponse{}
	s := &scanner{b: b}
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "model_name":
			r.ModelName, err = s.str()
		case "model_version":
			r.ModelVersion, err = s.str()
		case "id":
			r.ID, err = s.str()
		case "parameters":
			r.Parameters, err = s.parameters()
		case "outputs":
			err = s.array(func() error {
				t, err := s.tensor()
				r.Outputs = append(r.Outputs, t)
				return err
			})
		default:
			_, err = s.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.end()
}

// MarshalJSON encodes a request.
func (r InferRequest) MarshalJSON() ([]byte, error) {
	return r.appendJSON(nil, false)
}

// appendJSON appends the request's JSON object; with binary, the inputs
// carry binary_data_size instead of data.
func (r InferRequest) appendJSON(b []byte, binary bool) ([]byte, error) {
	b = append(b, '{')
	if r.ID != "" {
		b = appendJSONString(append(b, `"id":`...), r.ID)
		b = append(b, ',')
	}
	if r.Parameters != nil {
		b = appendParameters(append(b, `"parameters":`...), r.Parameters)
		b = append(b, ',')
	}
	var bin []bool
	if binary {
		bin = allBinary(len(r.Inputs))
	}
	b, err := appendTensors(append(b, `"inputs":`...), r.Inputs, bin)
	if err != nil {
		return nil, err
	}
	if len(r.Outputs) > 0 {
		b = append(b, `,"outputs":[`...)
		for i, o := range r.Outputs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"name":`...), o.Name)
			if o.Parameters != nil {
				b = appendParameters(append(b, `,"parameters":`...), o.Parameters)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// MarshalJSON encodes a response. NaN and infinite values have no JSON
// form, so an output holding one is an error.
func (r InferResponse) MarshalJSON() ([]byte, error) {
	return r.appendJSONHeader(nil, nil)
}

// appendJSONHeader appends the response's JSON object; the outputs marked
// in bin (nil: none) carry binary_data_size instead of data.
func (r InferResponse) appendJSONHeader(b []byte, bin []bool) ([]byte, error) {
	b = appendJSONString(append(b, `{"model_name":`...), r.ModelName)
	b = appendJSONString(append(b, `,"model_version":`...), r.ModelVersion)
	if r.ID != "" {
		b = appendJSONString(append(b, `,"id":`...), r.ID)
	}
	if r.Parameters != nil {
		b = appendParameters(append(b, `,"parameters":`...), r.Parameters)
	}
	b, err := appendTensors(append(b, `,"outputs":`...), r.Outputs, bin)
	return append(b, '}'), err
}

func (s *scanner) requestedOutput() (RequestedOutput, error) {
	var o RequestedOutput
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "name":
			o.Name, err = s.str()
		case "parameters":
			o.Parameters, err = s.parameters()
		default:
			_, err = s.skip()
		}
		return err
	})
	if err == nil && o.Name == "" {
		err = fmt.Errorf("%w: requested output without a name", ErrInvalidRequest)
	}
	return o, err
}

// maxRank bounds the number of dimensions of a tensor.
const maxRank = 32

func (s *scanner) tensor() (Tensor, error) {
	var t Tensor
	var data []byte
	var haveShape, haveData bool
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "name":
			t.Name, err = s.str()
		case "datatype":
			var dt string
			dt, err = s.str()
			t.Datatype = Datatype(dt)
		case "shape":
			haveShape = true
			t.Shape = []int{}
			err = s.array(func() error {
				d, err := s.int(32)
				if err == nil && d < 0 {
					err = s.errorf("negative dimension %d", d)
				}
				if err == nil && len(t.Shape) == maxRank {
					err = s.errorf("more than %d dimensions", maxRank)
				}
				t.Shape = append(t.Shape, int(d))
				return err
			})
		case "parameters":
			t.Parameters, err = s.parameters()
		case "data":
			haveData = true
			if t.Datatype.Valid() && haveShape {
				// The usual key order: decode in place, in one pass.
				t.Data, err = decodeData(s, t.Datatype, t.Shape)
				if err != nil {
					err = fmt.Errorf("%w (tensor %q)", err, t.Name)
				}
				return err
			}
			data, err = s.skip()
		default:
			_, err = s.skip()
		}
		return err
	})
	if err != nil {
		return t, err
	}
	switch {
	case t.Name == "":
		return t, fmt.Errorf("%w: tensor without a name", ErrInvalidRequest)
	case !t.Datatype.Valid():
		return t, fmt.Errorf("%w: tensor %q: unknown datatype %q", ErrInvalidRequest, t.Name, t.Datatype)
	case !haveShape:
		return t, fmt.Errorf("%w: tensor %q has no shape", ErrInvalidRequest, t.Name)
	}
	if _, binary, err := binarySize(&t); err != nil {
		return t, err
	} else if binary {
		if haveData {
			return t, fmt.Errorf("%w: tensor %q has both data and %s", ErrInvalidRequest, t.Name, paramBinarySize)
		}
		return t, nil // its data follows the JSON object
	}
	if !haveData {
		return t, fmt.Errorf("%w: tensor %q has neither data nor %s", ErrInvalidRequest, t.Name, paramBinarySize)
	}
	if t.Data == nil {
		sub := &scanner{b: data}
		if t.Data, err = decodeData(sub, t.Datatype, t.Shape); err == nil {
			err = sub.end()
		}
		if err != nil {
			return t, fmt.Errorf("%w (tensor %q)", err, t.Name)
		}
	}
	// A datatype or shape repeated after the data must still describe it.
	if err := t.check(); err != nil {
		return t, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return t, nil
}

// decodeData decodes the data array at s into the datatype's Go slice.
func decodeData(s *scanner, dt Datatype, shape []int) (any, error) {
	n := shapeLen(shape)
	// Every element takes at least one byte, so a shape that promises more
	// elements than the body has bytes left is refused before allocating.
	if rest := len(s.b) - s.i; n < 0 || n > rest {
		return nil, fmt.Errorf("%w: shape %v does not fit the %d bytes left", ErrInvalidRequest, shape, rest)
	}
	switch dt {
	case BOOL:
		return elems(s, shape, n, s.boolean)
	case UINT8:
		return elems(s, shape, n, func() (uint8, error) { v, err := s.uint(8); return uint8(v), err })
	case UINT16:
		return elems(s, shape, n, func() (uint16, error) { v, err := s.uint(16); return uint16(v), err })
	case UINT32:
		return elems(s, shape, n, func() (uint32, error) { v, err := s.uint(32); return uint32(v), err })
	case UINT64:
		return elems(s, shape, n, func() (uint64, error) { return s.uint(64) })
	case INT8:
		return elems(s, shape, n, func() (int8, error) { v, err := s.int(8); return int8(v), err })
	case INT16:
		return elems(s, shape, n, func() (int16, error) { v, err := s.int(16); return int16(v), err })
	case INT32:
		return elems(s, shape, n, func() (int32, error) { v, err := s.int(32); return int32(v), err })
	case INT64:
		return elems(s, shape, n, func() (int64, error) { return s.int(64) })
	case FP16, FP32:
		return elems(s, shape, n, s.float32)
	case FP64:
		return elems(s, shape, n, func() (float64, error) { return s.float(64) })
	case BYTES:
		return elems(s, shape, n, s.str)
	}
	return nil, fmt.Errorf("%w: unknown datatype %q", ErrInvalidRequest, dt)
}

// elems reads a data array that is either flat with n elements or nested
// exactly as shape says, in row-major order.
func elems[T any](s *scanner, shape []int, n int, parse func() (T, error)) ([]T, error) {
	out := make([]T, 0, n)
	save := s.i
	if err := s.expect('['); err != nil {
		return nil, err
	}
	nested := s.peek() == '['
	s.i = save
	var walk func(level int) error
	walk = func(level int) error {
		count := 0
		err := s.array(func() error {
			count++
			if nested && level < len(shape)-1 {
				return walk(level + 1)
			}
			if len(out) == n {
				return s.errorf("more data than shape %v holds", shape)
			}
			v, err := parse()
			out = append(out, v)
			return err
		})
		if err == nil && nested && len(shape) > 0 && count != shape[level] {
			err = fmt.Errorf("%w: nested data has %d entries in dimension %d of shape %v", ErrInvalidRequest, count, level, shape)
		}
		return err
	}
	if err := walk(0); err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, fmt.Errorf("%w: shape %v needs %d elements, data has %d", ErrInvalidRequest, shape, n, len(out))
	}
	return out, nil
}

// appendTensors appends a JSON array of tensors; those marked in bin (nil:
// none) get a binary_data_size parameter in place of their data.
func appendTensors(b []byte, ts []Tensor, bin []bool) ([]byte, error) {
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendTensor(b, t, bin != nil && bin[i]); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

func appendTensor(b []byte, t Tensor, binary bool) ([]byte, error) {
	if err := t.check(); err != nil {
		return b, err
	}
	b = appendJSONString(append(b, `{"name":`...), t.Name)
	b = appendJSONString(append(b, `,"datatype":`...), string(t.Datatype))
	b = append(b, `,"shape":[`...)
	for i, d := range t.Shape {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	b = append(b, ']')
	params := t.Parameters
	if binary {
		params = maps.Clone(t.Parameters)
		if params == nil {
			params = map[string]any{}
		}
		params[paramBinarySize] = int64(binaryLen(t))
	}
	if params != nil {
		b = appendParameters(append(b, `,"parameters":`...), params)
	}
	if binary {
		return append(b, '}'), nil
	}
	b = append(b, `,"data":[`...)
	var err error
	switch v := t.Data.(type) {
	case []bool:
		b = appendEach(b, v, strconv.AppendBool)
	case []uint8:
		b = appendEach(b, v, func(b []byte, x uint8) []byte { return strconv.AppendUint(b, uint64(x), 10) })
	case []uint16:
		b = appendEach(b, v, func(b []byte, x uint16) []byte { return strconv.AppendUint(b, uint64(x), 10) })
	case []uint32:
		b = appendEach(b, v, func(b []byte, x uint32) []byte { return strconv.AppendUint(b, uint64(x), 10) })
	case []uint64:
		b = appendEach(b, v, func(b []byte, x uint64) []byte { return strconv.AppendUint(b, x, 10) })
	case []int8:
		b = appendEach(b, v, func(b []byte, x int8) []byte { return strconv.AppendInt(b, int64(x), 10) })
	case []int16:
		b = appendEach(b, v, func(b []byte, x int16) []byte { return strconv.AppendInt(b, int64(x), 10) })
	case []int32:
		b = appendEach(b, v, func(b []byte, x int32) []byte { return strconv.AppendInt(b, int64(x), 10) })
	case []int64:
		b = appendEach(b, v, func(b []byte, x int64) []byte { return strconv.AppendInt(b, x, 10) })
	case []float32:
		b, err = appendFloats(b, v, 32)
	case []float64:
		b, err = appendFloats(b, v, 64)
	case []string:
		b = appendEach(b, v, appendJSONString)
	}
	if err != nil {
		return b, fmt.Errorf("cloud: tensor %q: %w", t.Name, err)
	}
	return append(b, "]}"...), nil
}

func appendEach[T any](b []byte, v []T, f func([]byte, T) []byte) []byte {
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = f(b, x)
	}
	return b
}

var errNotFinite = errors.New("NaN or infinite value has no JSON form")

func appendFloats[T float32 | float64](b []byte, v []T, bits int) ([]byte, error) {
	for i, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return b, errNotFinite
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, f, 'g', -1, bits)
	}
	return b, nil
}

// appendParameters writes a parameters object with sorted keys, so that
// equal maps encode equally.
func appendParameters(b []byte, p map[string]any) []byte {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendJSONString(b, k), ':')
		switch v := p[k].(type) {
		case string:
			b = appendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			}
		default:
			b = appendJSONString(b, fmt.Sprint(v))
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
