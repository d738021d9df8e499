package cloud

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// allDatatypes is one two-element tensor of every datatype, with values at
// the edges of each range.
func allDatatypes() []Tensor {
	return []Tensor{
		{Name: "bool", Datatype: BOOL, Shape: []int{1, 2}, Data: []bool{true, false}},
		{Name: "uint8", Datatype: UINT8, Shape: []int{1, 2}, Data: []uint8{0, 255}},
		{Name: "uint16", Datatype: UINT16, Shape: []int{1, 2}, Data: []uint16{0, 65535}},
		{Name: "uint32", Datatype: UINT32, Shape: []int{1, 2}, Data: []uint32{0, math.MaxUint32}},
		{Name: "uint64", Datatype: UINT64, Shape: []int{1, 2}, Data: []uint64{0, math.MaxUint64}},
		{Name: "int8", Datatype: INT8, Shape: []int{1, 2}, Data: []int8{-128, 127}},
		{Name: "int16", Datatype: INT16, Shape: []int{1, 2}, Data: []int16{-32768, 32767}},
		{Name: "int32", Datatype: INT32, Shape: []int{1, 2}, Data: []int32{math.MinInt32, math.MaxInt32}},
		{Name: "int64", Datatype: INT64, Shape: []int{1, 2}, Data: []int64{math.MinInt64, math.MaxInt64}},
		{Name: "fp16", Datatype: FP16, Shape: []int{1, 2}, Data: []float32{0.5, -65504}},
		{Name: "fp32", Datatype: FP32, Shape: []int{1, 2}, Data: []float32{0.1, math.MaxFloat32}},
		{Name: "fp64", Datatype: FP64, Shape: []int{1, 2}, Data: []float64{0.1, 1e-300}},
		{Name: "bytes", Datatype: BYTES, Shape: []int{1, 2}, Data: []string{"héllo", "\x00\xff"}},
	}
}

func TestBinaryEncodeDecodeRoundTrip(t *testing.T) {
	req := InferRequest{ID: "b", Parameters: map[string]any{"timeout": int64(5)}, Inputs: allDatatypes()}
	req.Inputs[10].Parameters = map[string]any{"note": "kept"}
	body, headerLen, err := req.EncodeBinary()
	require.NoError(t, err)
	require.True(t, json.Valid(body[:headerLen]), "%s", body[:headerLen])
	// 2 bool + 2 u8 + 4 u16 + 8 u32 + 16 u64 + 2 i8 + 4 i16 + 8 i32 + 16 i64 + 4 fp16 + 8 fp32 + 16 fp64 + (4+6)+(4+2) bytes
	require.Equal(t, 2+2+4+8+16+2+4+8+16+4+8+16+10+6, len(body)-headerLen)
	got, err := DecodeInferRequest(body, headerLen)
	require.NoError(t, err)
	require.Equal(t, req, got)

	resp := InferResponse{ModelName: "m", ModelVersion: "1", Outputs: allDatatypes()}
	body, headerLen, err = resp.EncodeBinary()
	require.NoError(t, err)
	back, err := DecodeInferResponse(body, headerLen)
	require.NoError(t, err)
	require.Equal(t, resp, back)

	// The example of Triton's extension document: UINT32 [2,2] and BOOL [3].
	triton := InferRequest{Inputs: []Tensor{
		{Name: "input0", Datatype: UINT32, Shape: []int{2, 2}, Data: []uint32{1, 2, 3, 4}},
		{Name: "input1", Datatype: BOOL, Shape: []int{3}, Data: []bool{true, false, true}},
	}}
	body, headerLen, err = triton.EncodeBinary()
	require.NoError(t, err)
	require.Equal(t, 19, len(body)-headerLen)
	require.Equal(t, []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1, 0, 1}, body[headerLen:])
	require.Contains(t, string(body[:headerLen]), `"parameters":{"binary_data_size":16}`)
}

func TestBinaryMixedWithJSONInputs(t *testing.T) {
	header := `{"inputs":[{"name":"a","datatype":"INT32","shape":[1],"data":[7]},` +
		`{"name":"b","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}}]}`
	body := binary.LittleEndian.AppendUint32([]byte(header), math.Float32bits(1.5))
	body = binary.LittleEndian.AppendUint32(body, math.Float32bits(-2))
	got, err := DecodeInferRequest(body, len(header))
	require.NoError(t, err)
	require.Equal(t, []int32{7}, got.Inputs[0].Data)
	require.Equal(t, []float32{1.5, -2}, got.Inputs[1].Data)
	require.Nil(t, got.Inputs[1].Parameters)
}

// binaryPost sends body with the extension's header and returns the status,
// the response headers and the raw body.
func binaryPost(t *testing.T, url string, body []byte, headerLen string) (int, http.Header, []byte) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/octet-stream")
	if headerLen != "" {
		r.Header.Set(HeaderContentLength, headerLen)
	}
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, raw
}

func TestBinaryInferOverHTTP(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	url := hs.URL + "/v2/models/double/infer"
	x := []float32{1, 2.5, -3, 4e-7, 5, 6, 7, 8}
	in := InferRequest{ID: "bin", Inputs: []Tensor{NewFP32("x", []int{2, 4}, x)}}
	want := []float32{2, 5, -6, 8e-7, 10, 12, 14, 16}

	cases := []struct {
		name       string
		params     map[string]any
		outputs    []RequestedOutput
		binaryOuts []bool // per output in the answer
	}{
		{"json answer", nil, nil, []bool{false, false}},
		{"all outputs binary", map[string]any{"binary_data_output": true}, nil, []bool{true, true}},
		{"one output binary", nil, []RequestedOutput{{Name: "s"}, {Name: "y", Parameters: map[string]any{"binary_data": true}}}, []bool{false, true}},
		{"output overrides request", map[string]any{"binary_data_output": true},
			[]RequestedOutput{{Name: "y", Parameters: map[string]any{"binary_data": false}}}, []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := in
			req.Parameters, req.Outputs = c.params, c.outputs
			body, headerLen, err := req.EncodeBinary()
			require.NoError(t, err)
			code, h, raw := binaryPost(t, url, body, strconv.Itoa(headerLen))
			require.Equal(t, http.StatusOK, code, "%s", raw)
			respHeaderLen := len(raw)
			if v := h.Get(HeaderContentLength); v != "" {
				respHeaderLen, err = strconv.Atoi(v)
				require.NoError(t, err)
				require.Equal(t, "application/octet-stream", h.Get("Content-Type"))
			} else {
				require.Equal(t, "application/json", h.Get("Content-Type"))
			}
			require.True(t, json.Valid(raw[:respHeaderLen]), "%s", raw)
			resp, err := DecodeInferResponse(raw, respHeaderLen)
			require.NoError(t, err)
			require.Equal(t, "bin", resp.ID)
			require.Len(t, resp.Outputs, len(c.binaryOuts))
			binBytes := 0
			for i, o := range resp.Outputs {
				if c.binaryOuts[i] {
					binBytes += 4 * o.Len()
				}
				if o.Name == "y" {
					require.Equal(t, want, o.FP32())
				} else {
					require.Equal(t, []float32{1 + 2.5 - 3 + 4e-7, 26}, o.FP32())
				}
			}
			require.Equal(t, binBytes, len(raw)-respHeaderLen)
		})
	}
}

func TestBinaryMalformedIs400WithJSONError(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	url := hs.URL + "/v2/models/double/infer"
	header := func(size string) string {
		return `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"parameters":{"binary_data_size":` + size + `}}]}`
	}
	data16 := string(make([]byte, 16))
	cases := []struct {
		name, body string
		headerLen  string // "" → the JSON part's length
		want       string
	}{
		{"header length not a number", header("16") + data16, "sixteen", "not a byte count"},
		{"header length negative", header("16") + data16, "-1", "does not fit"},
		{"header length beyond body", header("16") + data16, "100000", "does not fit"},
		{"header length cuts the JSON", header("16") + data16, "20", "invalid inference request"},
		{"size too small for shape", header("12") + data16[:12], "", "needs 16 bytes"},
		{"size beyond the data", header("32") + data16, "", "exceeds the 16 binary bytes left"},
		{"bytes left over", header("16") + data16 + "xx", "", "2 binary bytes after"},
		{"size not an integer", header(`"16"`) + data16, "", "non-negative integer"},
		{"size negative", header("-16") + data16, "", "non-negative integer"},
		{"size fractional", header("1.5") + data16, "", "non-negative integer"},
		{"size without binary part", header("16"), "", "exceeds the 0 binary bytes left"},
		{"data and size both", `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4],"parameters":{"binary_data_size":16}}]}` + data16, "", "both data and binary_data_size"},
		{"binary_data not boolean", `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}],"outputs":[{"name":"y","parameters":{"binary_data":1}}]}`, "", "must be a boolean"},
		{"binary_data_output not boolean", `{"parameters":{"binary_data_output":"yes"},"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}`, "", "must be a boolean"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			headerLen := c.headerLen
			if headerLen == "" {
				// The binary parts here are zeros: the JSON ends at the first one.
				n := bytes.IndexByte([]byte(c.body), 0)
				if n < 0 {
					n = len(c.body)
				}
				headerLen = strconv.Itoa(n)
			}
			code, h, raw := binaryPost(t, url, []byte(c.body), headerLen)
			require.Equal(t, http.StatusBadRequest, code, "%s", raw)
			require.Equal(t, "application/json", h.Get("Content-Type"))
			var e map[string]string
			require.NoError(t, json.Unmarshal(raw, &e), "%s", raw)
			require.Contains(t, e["error"], c.want)
		})
	}
	// The server keeps serving.
	code, out, _ := post(t, url, inferBody("ok", 1, 1))
	require.Equal(t, http.StatusOK, code, out)
}

func TestBinaryDecodeRejectsBadElements(t *testing.T) {
	cases := []struct {
		name string
		dt   Datatype
		n    int
		raw  []byte
		want string
	}{
		{"bool byte 2", BOOL, 2, []byte{1, 2}, "want 0 or 1"},
		{"bytes length too long", BYTES, 1, []byte{9, 0, 0, 0, 'a'}, "exceeds"},
		{"bytes length cut", BYTES, 2, []byte{1, 0, 0, 0, 'a', 0, 0}, "cannot fit"},
		{"bytes left over", BYTES, 1, []byte{1, 0, 0, 0, 'a', 'b'}, "after the last BYTES element"},
		{"too many bytes elements", BYTES, 3, make([]byte, 8), "cannot fit"},
		{"int64 short", INT64, 1, make([]byte, 7), "needs 8 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeBinary(c.dt, []int{c.n}, c.raw)
			require.ErrorIs(t, err, ErrInvalidRequest)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestServerMetadataListsBinaryExtension(t *testing.T) {
	_, hs := newTestServer(t, ServerOptions{})
	resp, err := http.Get(hs.URL + "/v2")
	require.NoError(t, err)
	defer resp.Body.Close()
	var md map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&md))
	require.Equal(t, []any{"binary_tensor_data"}, md["extensions"])
}
