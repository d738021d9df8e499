package main

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/mlprep/mlprep/cloud"
	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/nn"
)

// linearSoftmax is the benchmark's per-request work: probs = softmax(W x)
// for a 256×256 W, computed for a whole batch with one matrix product.
type linearSoftmax struct {
	dim int
	w   []float32 // dim × dim, row-major (out × in, like torch.nn.Linear)
}

func newLinearSoftmax(dim int, seed uint64) *linearSoftmax {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float32, dim*dim)
	for i := range w {
		w[i] = float32(rng.NormFloat64() / math.Sqrt(float64(dim)))
	}
	return &linearSoftmax{dim: dim, w: w}
}

func (m *linearSoftmax) config(name string, maxBatch int) cloud.ModelConfig {
	return cloud.ModelConfig{
		Name:         name,
		Inputs:       []cloud.TensorSpec{{Name: "x", Datatype: cloud.FP32, Shape: []int{m.dim}}},
		Outputs:      []cloud.TensorSpec{{Name: "probs", Datatype: cloud.FP32, Shape: []int{m.dim}}},
		MaxBatchSize: maxBatch,
	}
}

func (m *linearSoftmax) Predict(_ context.Context, in []cloud.Tensor) ([]cloud.Tensor, error) {
	rows, d := in[0].Shape[0], m.dim
	z := make([]float32, rows*d)
	kernels.Sgemm(false, true, rows, d, d, 1, in[0].FP32(), d, m.w, d, 0, z, d)
	probs := nn.MatFrom(rows, d, z)
	nn.Softmax(probs, probs)
	return []cloud.Tensor{cloud.NewFP32("probs", []int{rows, d}, z)}, nil
}

// wideLayer is the batch-friendly model: a 512×512 matrix product per row
// (followed by ReLU and a 10-way head so that answers stay small). One row
// at a time it streams the 1 MiB weight matrix per request; a batch reuses
// it across rows, which is what dynamic batching buys.
type wideLayer struct {
	dim, classes int
	w1, w2       []float32
}

func newWideLayer(seed uint64) *wideLayer {
	const dim, classes = 512, 10
	rng := rand.New(rand.NewPCG(seed, 2))
	m := &wideLayer{dim: dim, classes: classes, w1: make([]float32, dim*dim), w2: make([]float32, classes*dim)}
	for i := range m.w1 {
		m.w1[i] = float32(rng.NormFloat64() / math.Sqrt(dim))
	}
	for i := range m.w2 {
		m.w2[i] = float32(rng.NormFloat64() / math.Sqrt(dim))
	}
	return m
}

func (m *wideLayer) config(name string, maxBatch int) cloud.ModelConfig {
	return cloud.ModelConfig{
		Name:         name,
		Inputs:       []cloud.TensorSpec{{Name: "x", Datatype: cloud.FP32, Shape: []int{m.dim}}},
		Outputs:      []cloud.TensorSpec{{Name: "logits", Datatype: cloud.FP32, Shape: []int{m.classes}}},
		MaxBatchSize: maxBatch,
	}
}

// gemmMinRows is the batch size from which one matrix product beats a
// matrix-vector product per row: Sgemm packs the 1 MiB weight matrix on
// every call, which costs as much as a few rows (BenchmarkWideLayer: 2 rows
// took ~5× one row's time, 64 rows ~15×).
const gemmMinRows = 8

func (m *wideLayer) Predict(_ context.Context, in []cloud.Tensor) ([]cloud.Tensor, error) {
	rows, d, k := in[0].Shape[0], m.dim, m.classes
	x := in[0].FP32()
	h := make([]float32, rows*d)
	out := make([]float32, rows*k)
	if rows < gemmMinRows {
		for r := range rows {
			m.forward(1, x[r*d:(r+1)*d], h[r*d:(r+1)*d], out[r*k:(r+1)*k])
		}
	} else {
		m.forward(rows, x, h, out)
	}
	return []cloud.Tensor{cloud.NewFP32("logits", []int{rows, k}, out)}, nil
}

// forward computes out = relu(x W1ᵀ) W2ᵀ for rows rows, using h as scratch;
// with one row Sgemm takes its matrix-vector path.
func (m *wideLayer) forward(rows int, x, h, out []float32) {
	d, k := m.dim, m.classes
	kernels.Sgemm(false, true, rows, d, d, 1, x, d, m.w1, d, 0, h, d)
	for i, v := range h {
		h[i] = max(v, 0)
	}
	kernels.Sgemm(false, true, rows, k, d, 1, h, d, m.w2, d, 0, out, k)
}

// jsonRequest is one single-row request for a model with dim inputs.
func jsonRequest(dim int) []byte {
	b, err := singleRow(dim).MarshalJSON()
	if err != nil {
		panic(err)
	}
	return b
}

// binaryRequest is the same request with the binary tensor data extension
// (input and outputs as raw little-endian bytes) and its JSON part's length.
func binaryRequest(dim int) ([]byte, int) {
	req := singleRow(dim)
	req.Parameters = map[string]any{"binary_data_output": true}
	b, n, err := req.EncodeBinary()
	if err != nil {
		panic(err)
	}
	return b, n
}

func singleRow(dim int) cloud.InferRequest {
	x := make([]float32, dim)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	return cloud.InferRequest{Inputs: []cloud.Tensor{cloud.NewFP32("x", []int{1, dim}, x)}}
}
