package adversarial

import (
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

// linearModel is a user's own model: logits = x Wᵀ + b, stateless and so
// safe for concurrent use.
type linearModel struct {
	w *Matrix // k×d
	b []float32
}

func (m linearModel) Logits(x *Matrix) *Matrix {
	y := nn.NewMat(x.Rows, m.w.Rows)
	for i := 0; i < x.Rows; i++ {
		copy(y.Row(i), m.b)
	}
	nn.Gemm(false, true, 1, x, m.w, 1, y)
	return y
}

func (m linearModel) InputGradient(x *Matrix, lossGrad func(*Matrix) *Matrix) (*Matrix, *Matrix) {
	logits := m.Logits(x)
	return logits, nn.MatMul(false, false, lossGrad(logits), m.w)
}

func TestInputGradientPassesGradCheck(t *testing.T) {
	// Tanh and GELU are smooth, so central differences are accurate.
	rng := nn.NewRand(5)
	net := nn.NewMLP([]int{6, 8, 8, 4}, func() nn.Layer { return &nn.Tanh{} }, rng)
	net.Layers[3] = &nn.GELU{}
	model := FromLayer(net)
	x := nn.NewMat(3, 6)
	nn.Uniform(x, 0, 1, rng)
	labels := []int{0, 3, 2}
	copies, contrastGrad := repeatRows(x, []int{0, 1, 2}, labels, 4)
	cases := []struct {
		name     string
		batch    *Matrix
		lossGrad func(*Matrix) *Matrix
		loss     func(logits *Matrix) float64
	}{
		{"summed cross-entropy", x, crossEntropyGrad(labels), func(l *Matrix) float64 {
			ce, _ := nn.CrossEntropy(l, labels, 0)
			return ce * float64(l.Rows)
		}},
		{"DeepFool's class contrasts f_c − f_y", copies, contrastGrad, func(l *Matrix) float64 {
			var s float64
			for r := 0; r < l.Rows; r++ {
				s += float64(l.At(r, r%4)) - float64(l.At(r, labels[r/4]))
			}
			return s
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, grad := model.InputGradient(c.batch, c.lossGrad)
			loss := func() float64 { return c.loss(model.Logits(c.batch)) }
			r := nn.GradCheck{Step: 1e-2}.CheckGradient(loss, c.batch.Data, grad.Data)
			require.Less(t, r.MaxRelErr, 1e-2, "worst coordinate %d", r.Worst)
		})
	}
}

func TestFromLayerLeavesTrainingStateAlone(t *testing.T) {
	f := digitsOnce()
	params := f.net.Params()
	nn.ZeroGrad(params)
	before := make([][]float32, len(params))
	for i, p := range params {
		before[i] = append([]float32(nil), p.Value.Data...)
	}
	_, err := BIM(0.1, 0.02, 3).Perturb(context.Background(), FromLayer(f.net), f.x, f.labels)
	require.NoError(t, err)
	for i, p := range params {
		require.Equal(t, before[i], p.Value.Data)
		require.False(t, p.Frozen)
		for _, g := range p.Grad.Data {
			require.Zero(t, g, "attack gradients must not reach %s", p.Name)
		}
	}
}

// wrapped is a layer FromLayer does not know, so it is run under a lock.
type wrapped struct{ nn.Layer }

func TestFromLayerRunsUnknownLayersOneAtATime(t *testing.T) {
	f := digitsOnce()
	plain := FromLayer(f.net)
	locked := FromLayer(wrapped{f.net})
	require.False(t, locked.(*layerModel).replicable)
	a := PGD{Epsilon: 0.1, Step: 0.02, Steps: 4, RandomStart: true, Workers: 2}
	want, err := a.Perturb(context.Background(), plain, f.x, f.labels)
	require.NoError(t, err)
	got, err := a.Perturb(context.Background(), locked, f.x, f.labels)
	require.NoError(t, err)
	require.Equal(t, want.X.Data, got.X.Data)
	nn.ZeroGrad(f.net.Params())
}

func TestBadModelOutputPanicsNamingShapes(t *testing.T) {
	m := linearModel{w: &Matrix{Rows: 2, Cols: 3, Data: make([]float32, 6)}, b: []float32{0, 0}}
	short := shortGradient{m}
	x := &Matrix{Rows: 2, Cols: 3, Data: make([]float32, 6)}
	require.PanicsWithValue(t, "adversarial: model returned input gradient 1×3, want 2×3", func() {
		_, _ = FGSM{Epsilon: 0.1}.Perturb(context.Background(), short, x, []int{0, 1})
	})
}

// shortGradient returns one gradient row too few.
type shortGradient struct{ linearModel }

func (m shortGradient) InputGradient(x *Matrix, lossGrad func(*Matrix) *Matrix) (*Matrix, *Matrix) {
	logits, g := m.linearModel.InputGradient(x, lossGrad)
	return logits, rows(g, 0, g.Rows-1)
}
