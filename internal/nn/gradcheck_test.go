package nn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func randMat(rows, cols int, seed uint64) *Mat {
	rng := NewRand(seed)
	m := NewMat(rows, cols)
	for i := range m.Data {
		m.Data[i] = float32(rng.NormFloat64())
	}
	return m
}

// checkLayer runs a gradient check of layer's backward pass for its input and
// every parameter, using a probe loss.
func checkLayer(t *testing.T, layer Layer, x *Mat, tol float64) {
	t.Helper()
	y := layer.Forward(x, true)
	loss, dy := ProbeLoss(y.Rows, y.Cols, NewRand(99))
	ZeroGrad(layer.Params())
	dx := layer.Backward(dy)
	f := func() float64 { return loss(layer.Forward(x, true)) }
	gc := GradCheck{Step: 1e-2}
	r := gc.CheckGradient(f, x.Data, dx.Data)
	require.Lessf(t, r.MaxRelErr, tol, "input gradient: %+v", r)
	for _, p := range layer.Params() {
		r := gc.CheckGradient(f, p.Value.Data, p.Grad.Data)
		require.Lessf(t, r.MaxRelErr, tol, "%s gradient: %+v", p.Name, r)
	}
}

func TestLayerGradients(t *testing.T) {
	cases := []struct {
		name  string
		layer func() Layer
	}{
		{"Dense", func() Layer { return NewDense(7, 5, NewRand(1)) }},
		{"ReLU", func() Layer { return &ReLU{} }},
		{"GELU", func() Layer { return &GELU{} }},
		{"Tanh", func() Layer { return &Tanh{} }},
		{"MLP/ReLU", func() Layer { return NewMLP([]int{7, 6, 4}, func() Layer { return &ReLU{} }, NewRand(2)) }},
		{"MLP/GELU", func() Layer { return NewMLP([]int{7, 9, 8, 3}, func() Layer { return &GELU{} }, NewRand(3)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkLayer(t, c.layer(), randMat(4, 7, 5), 2e-3)
		})
	}
}

func TestDropoutGradient(t *testing.T) {
	d := NewDropout(0.3, NewRand(1))
	x := randMat(5, 6, 2)
	// Re-seed before each forward so every evaluation uses the same mask.
	fwd := func() *Mat { d.Rand = NewRand(11); return d.Forward(x, true) }
	y := fwd()
	loss, dy := ProbeLoss(y.Rows, y.Cols, NewRand(3))
	dx := d.Backward(dy)
	r := GradCheck{}.CheckGradient(func() float64 { return loss(fwd()) }, x.Data, dx.Data)
	require.Less(t, r.MaxRelErr, 1e-3)
	require.Equal(t, x.Data, d.Forward(x, false).Data, "evaluation mode is the identity")
}

func TestCrossEntropyGradient(t *testing.T) {
	for _, eps := range []float64{0, 0.1} {
		logits := randMat(6, 4, 7)
		labels := []int{0, 3, 2, 1, 1, 0}
		_, d := CrossEntropy(logits, labels, eps)
		f := func() float64 { l, _ := CrossEntropy(logits, labels, eps); return l }
		r := GradCheck{Step: 1e-2}.CheckGradient(f, logits.Data, d.Data)
		require.Less(t, r.MaxRelErr, 2e-3, "smoothing %v: %+v", eps, r)
	}
}

func TestFrozenDenseHasNoGradient(t *testing.T) {
	d := NewDense(3, 2, NewRand(1))
	d.W.Frozen = true
	x := randMat(4, 3, 2)
	y := d.Forward(x, true)
	d.Backward(y)
	require.Equal(t, make([]float32, 6), d.W.Grad.Data)
	require.NotEqual(t, make([]float32, 2), d.B.Grad.Data)
}

func TestShapeMismatchPanicsNamingShapes(t *testing.T) {
	d := NewDense(3, 2, NewRand(1))
	require.PanicsWithValue(t, "nn: Dense forward: input 4×5, weight 2×3", func() { d.Forward(NewMat(4, 5), false) })
	require.PanicsWithValue(t, "nn: Gemm shape mismatch: op(a) 2×3, op(b) 4×1, c 2×1", func() {
		Gemm(false, false, 1, NewMat(2, 3), NewMat(4, 1), 0, NewMat(2, 1))
	})
}

func TestNamedParamsFollowPyTorchNames(t *testing.T) {
	m := NewMLP([]int{4, 3, 2}, func() Layer { return &ReLU{} }, NewRand(1))
	var names []string
	for _, np := range NamedParams(m) {
		names = append(names, np.Path)
	}
	require.Equal(t, []string{"0.weight", "0.bias", "2.weight", "2.bias"}, names)
	tr, tot := CountParams(m.Params())
	require.Equal(t, 4*3+3+3*2+2, tot)
	require.Equal(t, tot, tr)
}

func TestBackwardParamsEqualsBackward(t *testing.T) {
	full := NewMLP([]int{7, 6, 4}, func() Layer { return &ReLU{} }, NewRand(2))
	skip := NewMLP([]int{7, 6, 4}, func() Layer { return &ReLU{} }, NewRand(2))
	x, dy := randMat(5, 7, 1), randMat(5, 4, 2)
	full.Forward(x, true)
	full.Backward(dy)
	skip.Forward(x, true)
	BackwardParams(skip, dy)
	for i, p := range full.Params() {
		require.Equal(t, p.Grad.Data, skip.Params()[i].Grad.Data, p.Name)
	}
}
