package cloud

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzInferRequest feeds arbitrary bodies to the request parser: it must
// never panic, and whatever it accepts must encode to JSON that decodes to
// the same request.
func FuzzInferRequest(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}`,
		`{"inputs":[{"name":"x","shape":[2,2],"datatype":"INT64","data":[[1,2],[3,4]]}],"outputs":[{"name":"y"}]}`,
		`{"parameters":{"timeout":5,"s":"\u00e9"},"inputs":[{"name":"b","shape":[2],"datatype":"BYTES","data":["a","\n"]}]}`,
		`{"inputs":[{"name":"x","shape":[1],"datatype":"BOOL","data":[true]}]}`,
		`{"inputs":[{"name":"x","shape":[0,3],"datatype":"FP64","data":[]}]}`,
		`[[[[`, `{"inputs":[{"data":[1e400]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req InferRequest
		if err := req.UnmarshalJSON(body); err != nil {
			require.ErrorIs(t, err, ErrInvalidRequest)
			return
		}
		enc, err := json.Marshal(req)
		if err != nil {
			return // e.g. FP16 values beyond float32 range cannot occur; NaN cannot be parsed
		}
		var back InferRequest
		require.NoError(t, json.Unmarshal(enc, &back), "%s", enc)
		require.Equal(t, req, back)
	})
}

// FuzzFastFloat32 checks the exact fast path against strconv bit for bit on
// every input the scanner accepts as a JSON number.
func FuzzFastFloat32(f *testing.F) {
	for _, seed := range []string{"0", "-0", "0.5", "-0.958924", "1234567", "12345678", "1e10", "1e11", "1.5E-3", "0.0000001", "100.250", "-7e+2", "3.4028235e38"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := &scanner{b: []byte(in)}
		num, _, err := s.number()
		if err != nil || s.end() != nil {
			return
		}
		got, ok := fastFloat32(num)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(string(num), 32)
		require.NoError(t, err)
		require.Equal(t, math.Float32bits(float32(want)), math.Float32bits(got), "%s: %g vs %g", in, got, want)
	})
}

// FuzzDecodeInferRequestBinary feeds arbitrary bodies and header lengths to
// the binary-extension parser: it must never panic, refuse with
// ErrInvalidRequest, and whatever it accepts must re-encode (all inputs
// binary) to a body that decodes to the same bytes again.
func FuzzDecodeInferRequestBinary(f *testing.F) {
	for _, seed := range allDatatypes() {
		body, n, err := InferRequest{Inputs: []Tensor{seed}}.EncodeBinary()
		require.NoError(f, err)
		f.Add(body, n)
	}
	header := `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2],"parameters":{"binary_data_size":8}}]}`
	f.Add([]byte(header+"\x00\x00\x80?\x00\x00\x00@"), len(header))
	f.Add([]byte(header+"\x00\x00"), len(header))
	f.Add([]byte(`{"inputs":[{"name":"s","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":9}}]}`+"\x01\x00\x00\x00a\x00\x00\x00\x00"), 91)
	f.Add([]byte(header), -1)
	f.Fuzz(func(t *testing.T, body []byte, headerLen int) {
		req, err := DecodeInferRequest(body, headerLen)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidRequest)
			return
		}
		enc, n, err := req.EncodeBinary()
		require.NoError(t, err)
		back, err := DecodeInferRequest(enc, n)
		require.NoError(t, err, "%q", enc)
		again, m, err := back.EncodeBinary()
		require.NoError(t, err)
		require.Equal(t, n, m)
		require.Equal(t, enc, again)
	})
}
