package gcn

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
)

// BenchmarkTrainCora is the figure in BENCHMARKS.md: 200 epochs of the
// paper's model on Cora (early stopping off, so every run does the same
// work), including the per-epoch validation pass. scripts/bench/gcn.sh runs
// it against the PyTorch reference.
func BenchmarkTrainCora(b *testing.B) {
	d := coraOrSkip(b)
	for b.Loop() {
		if _, err := Train(context.Background(), d, Options{Window: -1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEpochsCora splits BenchmarkTrainCora's 200 epochs by how much of
// the graph each pass computes: only the receptive field of the loss (what
// Train does) or every node (what the PyTorch reference does).
func BenchmarkEpochsCora(b *testing.B) {
	d := coraOrSkip(b)
	x, adj := RowNormalize(d.Features), d.Graph.Normalized()
	for _, tc := range []struct {
		name       string
		train, val rowPlan
	}{
		{"receptive-field", planRows(adj, d.Split.Train), planRows(adj, d.Split.Val)},
		{"full-graph", rowPlan{}, rowPlan{}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				m := NewModel(adj, x.Cols, 16, d.Classes, 0.5, nn.NewRand(1))
				m.Conv1.B, m.Conv2.B = nil, nil
				first, second := newOptimizers(0.01, 5e-4)
				dlogits := nn.NewMat(x.Rows, d.Classes)
				for range 200 {
					trainStep(m, x, d.Labels, d.Split.Train, tc.train, first, second, dlogits)
					m.forward(x, false, tc.val)
					maskedCrossEntropy(nil, m.logits, d.Labels, d.Split.Val)
				}
			}
		})
	}
}

// BenchmarkTrainSBM is the same on the generated Cora-sized graph (no data
// needed).
func BenchmarkTrainSBM(b *testing.B) {
	d, err := SBM{}.Generate()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Train(context.Background(), d, Options{Window: -1}); err != nil {
			b.Fatal(err)
		}
	}
}

// coraSizedFeatures is a 2708×1433 bag of words with Cora's density and a
// Cora-sized normalised adjacency.
func coraSized(b *testing.B) (x, adj *CSR) {
	d, err := SBM{}.Generate()
	if err != nil {
		b.Fatal(err)
	}
	return RowNormalize(d.Features), d.Graph.Normalized()
}

func BenchmarkFeaturesTimesWeights(b *testing.B) {
	x, _ := coraSized(b)
	w := randMat(x.Cols, 16, nn.NewRand(1))
	z := nn.NewMat(x.Rows, 16)
	for b.Loop() {
		x.MulDense(z, w)
	}
}

func BenchmarkFeaturesTransposeTimesGrad(b *testing.B) {
	x, _ := coraSized(b)
	dz := randMat(x.Rows, 16, nn.NewRand(1))
	dw := nn.NewMat(x.Cols, 16)
	for b.Loop() {
		x.MulTransDense(dw, dz)
	}
}

func BenchmarkPropagate(b *testing.B) {
	_, adj := coraSized(b)
	z := randMat(adj.Cols, 16, nn.NewRand(1))
	y := nn.NewMat(adj.Rows, 16)
	for b.Loop() {
		adj.MulDense(y, z)
	}
}

func BenchmarkNormalized(b *testing.B) {
	d, err := SBM{}.Generate()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d.Graph.Normalized()
	}
}

func BenchmarkMessagePassingMax(b *testing.B) {
	d, err := SBM{}.Generate()
	if err != nil {
		b.Fatal(err)
	}
	mp := &MessagePassing{Graph: d.Graph, Aggr: Max}
	x := randMat(d.Graph.Nodes(), 16, nn.NewRand(1))
	for b.Loop() {
		mp.Backward(mp.Forward(x, true))
	}
}

func BenchmarkLoadCora(b *testing.B) {
	coraOrSkip(b)
	for b.Loop() {
		if _, err := LoadCora(""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadCoraFixture(b *testing.B) {
	dir := filepath.Join("testdata", "tinycora")
	if _, err := os.Stat(dir); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadCora(dir); err != nil {
			b.Fatal(err)
		}
	}
}
