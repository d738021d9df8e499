package nn

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// torchGolden is testdata/torch_golden.json, written by scripts/golden/nn.py.
type torchGolden struct {
	CrossEntropy struct {
		Logits []float32
		Labels []int
		Cases  []struct {
			Smoothing float64
			Loss      float64
			Grad      []float32
		}
	} `json:"cross_entropy"`
	GELU  struct{ X, Y, Grad []float32 } `json:"gelu"`
	Optim struct {
		W0    []float32
		Grads [][]float32
		Steps map[string][][]float32
	}
}

func loadGolden(t *testing.T) torchGolden {
	b, err := os.ReadFile("testdata/torch_golden.json")
	require.NoError(t, err)
	var g torchGolden
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

func TestCrossEntropyMatchesPyTorch(t *testing.T) {
	g := loadGolden(t).CrossEntropy
	for _, c := range g.Cases {
		logits := MatFrom(len(g.Labels), len(g.Logits)/len(g.Labels), append([]float32(nil), g.Logits...))
		loss, d := CrossEntropy(logits, g.Labels, c.Smoothing)
		require.InDelta(t, c.Loss, loss, 1e-6, "smoothing %v", c.Smoothing)
		require.InDeltaSlice(t, c.Grad, d.Data, 1e-7)
	}
}

func TestGELUMatchesPyTorch(t *testing.T) {
	g := loadGolden(t).GELU
	x := MatFrom(1, len(g.X), g.X)
	var act GELU
	y := act.Forward(x, true)
	require.InDeltaSlice(t, g.Y, y.Data, 1e-6)
	ones := NewMat(1, len(g.X))
	for i := range ones.Data {
		ones.Data[i] = 1
	}
	require.InDeltaSlice(t, g.Grad, act.Backward(ones).Data, 1e-6)
}

func TestOptimizersMatchPyTorch(t *testing.T) {
	g := loadGolden(t).Optim
	opts := map[string]func() Optimizer{
		"sgd_momentum": func() Optimizer { return &SGD{LR: 0.1, Momentum: 0.9, Dampening: 0.1, WeightDecay: 0.01} },
		"sgd_nesterov": func() Optimizer { return &SGD{LR: 0.1, Momentum: 0.9, Nesterov: true} },
		"adam":         func() Optimizer { a := NewAdam(0.01); a.WeightDecay = 0.05; return a },
		"adamw":        func() Optimizer { return NewAdamW(0.01, 0.05) },
	}
	require.Len(t, g.Steps, len(opts))
	for name, make := range opts {
		t.Run(name, func(t *testing.T) {
			p := NewParam("w", MatFrom(1, len(g.W0), append([]float32(nil), g.W0...)))
			o := make()
			for i, grad := range g.Grads {
				copy(p.Grad.Data, grad)
				o.Step([]*Param{p})
				require.InDeltaSlicef(t, g.Steps[name][i], p.Value.Data, 1e-6, "step %d", i+1)
			}
		})
	}
}
