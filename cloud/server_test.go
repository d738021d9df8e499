package cloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// doubler is a test model: y = 2x and s = the row sums, recording batch sizes.
type doubler struct {
	mu      sync.Mutex
	batches []int
	gate    chan struct{} // when non-nil, each Predict waits for a token
	started chan int      // when non-nil, receives each batch's rows as it starts
}

func (d *doubler) Predict(_ context.Context, in []Tensor) ([]Tensor, error) {
	rows := in[0].Shape[0]
	if d.started != nil {
		d.started <- rows
	}
	if d.gate != nil {
		<-d.gate
	}
	d.mu.Lock()
	d.batches = append(d.batches, rows)
	d.mu.Unlock()
	x := in[0].FP32()
	cols := in[0].Shape[1]
	y := make([]float32, len(x))
	s := make([]float32, rows)
	for i, v := range x {
		y[i] = 2 * v
		s[i/cols] += v
	}
	return []Tensor{
		{Name: "y", Datatype: FP32, Shape: []int{rows, cols}, Data: y},
		{Name: "s", Datatype: FP32, Shape: []int{rows, 1}, Data: s},
	}, nil
}

func (d *doubler) rowsRun() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, b := range d.batches {
		n += b
	}
	return n
}

func doublerConfig(version string) ModelConfig {
	return ModelConfig{
		Name: "double", Version: version,
		Inputs:       []TensorSpec{{Name: "x", Datatype: FP32, Shape: []int{4}}},
		Outputs:      []TensorSpec{{Name: "y", Datatype: FP32, Shape: []int{4}}, {Name: "s", Datatype: FP32, Shape: []int{1}}},
		MaxBatchSize: 8,
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newTestServer(t *testing.T, opts ServerOptions) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	s, err := NewServer(opts)
	require.NoError(t, err)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		require.NoError(t, s.closeAll(context.Background()))
	})
	return s, hs
}

func inferBody(id string, rows int, start float32) string {
	data := make([]string, rows*4)
	for i := range data {
		data[i] = fmt.Sprint(start + float32(i))
	}
	return fmt.Sprintf(`{"id":%q,"inputs":[{"name":"x","shape":[%d,4],"datatype":"FP32","data":[%s]}]}`, id, rows, strings.Join(data, ","))
}

func post(t *testing.T, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out), "body %s", raw)
	}
	return resp.StatusCode, out, resp.Header
}

func TestHealthAndMetadata(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	require.NoError(t, s.Load(doublerConfig("2"), &doubler{}))
	for _, path := range []string{"/v2/health/live", "/v2/health/ready", "/v2/models/double/ready", "/v2/models/double/versions/1/ready"} {
		resp, err := http.Get(hs.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
	resp, err := http.Get(hs.URL + "/v2/models/double/versions/9/ready")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, err = http.Get(hs.URL + "/v2/models/double")
	require.NoError(t, err)
	defer resp.Body.Close()
	var md map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&md))
	require.Equal(t, "double", md["name"])
	require.Equal(t, []any{"1", "2"}, md["versions"])
	require.Equal(t, []any{map[string]any{"name": "x", "datatype": "FP32", "shape": []any{-1.0, 4.0}}}, md["inputs"])
}

func TestInferRoundTrip(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	cases := []struct {
		name, body string
		wantY      []any
		outputs    int
	}{
		{"flat", inferBody("a", 1, 1), []any{2.0, 4.0, 6.0, 8.0}, 2},
		{"nested", `{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[[1,2,3,4],[5,6,7,8]]}]}`,
			[]any{2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0}, 2},
		{"requested output", `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4.5]}],"outputs":[{"name":"y"}]}`,
			[]any{2.0, 4.0, 6.0, 9.0}, 1},
		{"data before datatype", `{"inputs":[{"data":[0.5,-1,1e-3,2E2],"name":"x","shape":[1,4],"datatype":"FP32"}]}`,
			[]any{1.0, -2.0, 0.002, 400.0}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := post(t, hs.URL+"/v2/models/double/infer", c.body)
			require.Equal(t, http.StatusOK, code, out)
			require.Equal(t, "double", out["model_name"])
			require.Equal(t, "1", out["model_version"])
			outs := out["outputs"].([]any)
			require.Len(t, outs, c.outputs)
			y := outs[0].(map[string]any)
			require.Equal(t, "y", y["name"])
			require.Equal(t, "FP32", y["datatype"])
			require.InDeltaSlice(t, c.wantY, y["data"], 1e-6)
		})
	}
	code, out, _ := post(t, hs.URL+"/v2/models/double/versions/1/infer", inferBody("req-7", 1, 0))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "req-7", out["id"])
}

func TestBadRequestsGetJSONErrors(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{MaxBodyBytes: 4096})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	x := func(shape, dt, data string) string {
		return fmt.Sprintf(`{"inputs":[{"name":"x","shape":%s,"datatype":%q,"data":%s}]}`, shape, dt, data)
	}
	cases := []struct {
		name, path, body string
		code             int
		msg              string
	}{
		{"malformed JSON", "double", `{"inputs":[{"name":"x",`, 400, "unexpected end"},
		{"not an object", "double", `[1,2]`, 400, "want '{'"},
		{"trailing data", "double", x("[1,4]", "FP32", "[1,2,3,4]") + "x", 400, "after the JSON value"},
		{"no inputs", "double", `{"inputs":[]}`, 400, "no inputs"},
		{"wrong datatype", "double", x("[1,4]", "INT64", "[1,2,3,4]"), 400, "datatype INT64"},
		{"unknown datatype", "double", x("[1,4]", "FP8", "[1,2,3,4]"), 400, "unknown datatype"},
		{"wrong shape", "double", x("[1,3]", "FP32", "[1,2,3]"), 400, "wants [-1 4]"},
		{"data count", "double", x("[1,4]", "FP32", "[1,2,3]"), 400, "needs 4 elements"},
		{"too much data", "double", x("[1,4]", "FP32", "[1,2,3,4,5]"), 400, "more data"},
		{"ragged nesting", "double", x("[2,4]", "FP32", "[[1,2,3,4],[5,6,7]]"), 400, "nested data"},
		{"string in FP32", "double", x("[1,4]", "FP32", `[1,2,3,"4"]`), 400, "want a number"},
		{"FP32 overflow", "double", x("[1,4]", "FP32", `[1,2,3,1e39]`), 400, "out of range"},
		{"huge shape", "double", x("[100000000,4]", "FP32", "[1,2,3,4]"), 400, "does not fit"},
		{"negative dim", "double", x("[-1,4]", "FP32", "[1,2,3,4]"), 400, "negative dimension"},
		{"too many rows", "double", x("[9,4]", "FP32", "["+strings.Repeat("1,", 35)+"1]"), 400, "max batch size"},
		{"zero rows", "double", x("[0,4]", "FP32", "[]"), 400, "batch dimension is 0"},
		{"unknown input", "double", `{"inputs":[{"name":"z","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}`, 400, "no input \"z\""},
		{"unknown output", "double", `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"q"}]}`, 400, "no output \"q\""},
		{"bad timeout", "double", `{"parameters":{"timeout":"soon"},"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}`, 400, "timeout"},
		{"deep nesting", "double", strings.Repeat("[", 100), 400, "want '{'"},
		{"nested deeper than the shape", "double", x("[1,4]", "FP32", strings.Repeat("[", 100)+"1"+strings.Repeat("]", 100)), 400, "want a number"},
		{"deep nesting in data before datatype", "double", `{"inputs":[{"data":` + strings.Repeat("[", 100) + "1" + strings.Repeat("]", 100) + `,"name":"x","shape":[1,4],"datatype":"FP32"}]}`, 400, "nesting deeper"},
		{"datatype changed after data", "double", `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4],"datatype":"INT64"}]}`, 400, "does not hold datatype INT64"},
		{"unknown model", "nope", x("[1,4]", "FP32", "[1,2,3,4]"), 404, "model not found"},
		{"oversized body", "double", x("[1,4]", "FP32", "[1,2,3,4"+strings.Repeat(" ", 5000)+"]"), 413, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, hdr := post(t, hs.URL+"/v2/models/"+c.path+"/infer", c.body)
			require.Equal(t, c.code, code, out)
			require.Equal(t, "application/json", hdr.Get("Content-Type"))
			require.Contains(t, out["error"], c.msg)
		})
	}
	// The server keeps serving.
	code, _, _ := post(t, hs.URL+"/v2/models/double/infer", inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code)
	resp, err := http.Get(hs.URL + "/v3/nothing")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestDatatypesRoundTrip(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	echo := PredictorFunc(func(_ context.Context, in []Tensor) ([]Tensor, error) {
		out := make([]Tensor, len(in))
		for i, t := range in {
			out[i] = t
			out[i].Name = t.Name + "_out"
		}
		return out, nil
	})
	specs := []struct {
		dt   Datatype
		data string
	}{
		{BOOL, "[true,false]"}, {UINT8, "[0,255]"}, {UINT16, "[0,65535]"}, {UINT32, "[0,4294967295]"},
		{UINT64, "[0,18446744073709551615]"}, {INT8, "[-128,127]"}, {INT16, "[-32768,32767]"},
		{INT32, "[-2147483648,2147483647]"}, {INT64, "[-9223372036854775808,9223372036854775807]"},
		{FP16, "[0.5,-2]"}, {FP32, "[0.1,3.4028235e+38]"}, {FP64, "[0.1,1e-300]"}, {BYTES, `["héllo","a\"b\\c\n\u00e9\ud83d\ude00"]`},
	}
	cfg := ModelConfig{Name: "echo", MaxBatchSize: 4}
	var inputs []string
	for _, sp := range specs {
		name := strings.ToLower(string(sp.dt))
		cfg.Inputs = append(cfg.Inputs, TensorSpec{Name: name, Datatype: sp.dt, Shape: []int{2}})
		cfg.Outputs = append(cfg.Outputs, TensorSpec{Name: name + "_out", Datatype: sp.dt, Shape: []int{2}})
		inputs = append(inputs, fmt.Sprintf(`{"name":%q,"datatype":%q,"shape":[1,2],"data":%s}`, name, sp.dt, sp.data))
	}
	require.NoError(t, s.Load(cfg, echo))
	resp, err := http.Post(hs.URL+"/v2/models/echo/infer", "application/json", strings.NewReader(`{"inputs":[`+strings.Join(inputs, ",")+`]}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	var got InferResponse
	require.NoError(t, json.Unmarshal(raw, &got))
	require.Len(t, got.Outputs, len(specs))
	for i, sp := range specs {
		var want InferRequest
		require.NoError(t, json.Unmarshal([]byte(`{"inputs":[`+inputs[i]+`]}`), &want))
		require.Equal(t, want.Inputs[0].Data, got.Outputs[i].Data, sp.dt)
		require.Equal(t, []int{1, 2}, got.Outputs[i].Shape)
	}
	require.Equal(t, []string{"héllo", "a\"b\\c\né😀"}, got.Outputs[len(specs)-1].Bytes())
}

func TestPredictorFailuresAre500(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	cfg := doublerConfig("1")
	cfg.Name = "panics"
	require.NoError(t, s.Load(cfg, PredictorFunc(func(context.Context, []Tensor) ([]Tensor, error) { panic("boom") })))
	cfg.Name = "short"
	require.NoError(t, s.Load(cfg, PredictorFunc(func(_ context.Context, in []Tensor) ([]Tensor, error) {
		return []Tensor{NewFP32("y", []int{0, 4}, nil)}, nil
	})))
	cfg.Name = "nan"
	require.NoError(t, s.Load(cfg, PredictorFunc(func(_ context.Context, in []Tensor) ([]Tensor, error) {
		nan := float32(0)
		nan /= nan
		return []Tensor{NewFP32("y", []int{1, 4}, []float32{1, 2, 3, nan}), NewFP32("s", []int{1, 1}, []float32{1})}, nil
	})))
	for name, msg := range map[string]string{"panics": "panic: boom", "short": "for a batch of 1 rows", "nan": "NaN"} {
		code, out, _ := post(t, hs.URL+"/v2/models/"+name+"/infer", inferBody("", 1, 1))
		require.Equal(t, http.StatusInternalServerError, code, name)
		require.Contains(t, out["error"], msg)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	post(t, hs.URL+"/v2/models/double/infer", inferBody("", 2, 1))
	post(t, hs.URL+"/v2/models/double/infer", "{")
	post(t, hs.URL+"/v2/models/unknown/infer", "{}")
	resp, err := http.Get(hs.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	text := string(raw)
	for _, want := range []string{
		`mlprep_inference_requests_total{code="200",model="double"} 1`,
		`mlprep_inference_requests_total{code="400",model="double"} 1`,
		`mlprep_inference_requests_total{code="404",model=""} 1`,
		`mlprep_inference_request_duration_seconds_count{model="double"} 1`,
		`mlprep_inference_batch_rows_sum{model="double"} 2`,
		`mlprep_inference_queue_rows{model="double",version="1"} 0`,
	} {
		require.Contains(t, text, want)
	}
}

func TestRequestJSONRoundTrip(t *testing.T) {
	req := InferRequest{
		ID:         "r1",
		Parameters: map[string]any{"timeout": int64(5000), "note": "x", "on": true, "f": 0.5},
		Inputs:     []Tensor{NewFP32("x", []int{2, 2}, []float32{1, 2.5, -3, 1e-7})},
		Outputs:    []RequestedOutput{{Name: "y"}},
	}
	b, err := json.Marshal(req)
	require.NoError(t, err)
	require.True(t, json.Valid(b))
	var back InferRequest
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, req, back)
	_, err = json.Marshal(InferResponse{Outputs: []Tensor{{Name: "bad", Datatype: FP32, Shape: []int{3}, Data: []float32{1}}}})
	require.ErrorContains(t, err, "needs 3 elements")
}

func TestNewFP32PanicsOnMismatch(t *testing.T) {
	require.PanicsWithValue(t, `cloud: tensor "x": shape [2 2] needs 4 elements, data has 3`, func() {
		NewFP32("x", []int{2, 2}, []float32{1, 2, 3})
	})
}

func TestLoadRejectsBadConfig(t *testing.T) {
	s, _ := newTestServer(t, ServerOptions{})
	require.ErrorIs(t, s.Load(ModelConfig{}, &doubler{}), ErrConfig)
	cfg := doublerConfig("1")
	cfg.Inputs[0].Datatype = "FP8"
	require.ErrorIs(t, s.Load(cfg, &doubler{}), ErrConfig)
	cfg = doublerConfig("1")
	cfg.MaxInFlight = -1
	require.ErrorIs(t, s.Load(cfg, &doubler{}), ErrConfig)
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	require.ErrorIs(t, s.Load(doublerConfig("1"), &doubler{}), ErrConfig)
	require.ErrorIs(t, s.Unload(context.Background(), "double", "7"), ErrModelNotFound)
}

func bodyOf(resp *http.Response) string {
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.String()
}
