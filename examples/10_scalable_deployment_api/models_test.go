package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/mlprep/mlprep/cloud"
)

// BenchmarkWideLayer is the batching model alone at the batch sizes the
// batcher forms: ns/op divided by rows is the cost of one row.
func BenchmarkWideLayer(b *testing.B) {
	m := newWideLayer(11)
	for _, rows := range []int{1, 2, 4, 8, 16, 32, 64} {
		x := make([]float32, rows*m.dim)
		for i := range x {
			x[i] = float32(i%7) / 7
		}
		in := []cloud.Tensor{cloud.NewFP32("x", []int{rows, m.dim}, x)}
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			for b.Loop() {
				m.Predict(context.Background(), in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
