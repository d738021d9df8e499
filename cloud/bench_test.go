package cloud

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchBody is a single-row request with 256 FP32 values, the benchmark's
// payload.
func benchBody(b *testing.B) []byte {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	body, err := json.Marshal(InferRequest{Inputs: []Tensor{NewFP32("x", []int{1, 256}, x)}})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkDecodeRequest256(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var r InferRequest
		if err := r.UnmarshalJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponse256(b *testing.B) {
	y := make([]float32, 256)
	for i := range y {
		y[i] = 1 / float32(i+3)
	}
	resp := InferResponse{ModelName: "m", ModelVersion: "1", Outputs: []Tensor{NewFP32("y", []int{1, 256}, y)}}
	buf := make([]byte, 0, 8192)
	for b.Loop() {
		var err error
		if buf, err = resp.appendJSONHeader(buf[:0], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// identity256 answers its input: the benchmark measures the server.
var identity256 = PredictorFunc(func(_ context.Context, in []Tensor) ([]Tensor, error) {
	return []Tensor{{Name: "y", Datatype: FP32, Shape: in[0].Shape, Data: in[0].Data}}, nil
})

func identityConfig() ModelConfig {
	return ModelConfig{
		Name:         "id",
		Inputs:       []TensorSpec{{Name: "x", Datatype: FP32, Shape: []int{256}}},
		Outputs:      []TensorSpec{{Name: "y", Datatype: FP32, Shape: []int{256}}},
		MaxBatchSize: 64,
	}
}

// BenchmarkInferHandler is one request through routing, admission, the
// batcher and encoding, without a network.
func BenchmarkInferHandler(b *testing.B) {
	s, err := NewServer(ServerOptions{Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Load(identityConfig(), identity256); err != nil {
		b.Fatal(err)
	}
	defer s.closeAll(context.Background())
	body := string(benchBody(b))
	h := s.Handler()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v2/models/id/infer", strings.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkServeLoopback is concurrent requests over loopback HTTP.
func BenchmarkServeLoopback(b *testing.B) {
	s, err := NewServer(ServerOptions{Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Load(identityConfig(), identity256); err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	defer s.closeAll(context.Background())
	body := string(benchBody(b))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(hs.URL+"/v2/models/id/infer", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Error(resp.StatusCode)
				return
			}
		}
	})
}
