package attention_test

import (
	"math"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

func TestSinusoidalMatchesPyTorchTutorial(t *testing.T) {
	var golden struct {
		PE flatJSON `json:"pe"`
	}
	readGolden(t, "sinusoidal.json", &golden)
	pe := attention.Sinusoidal(golden.PE.Shape[0], golden.PE.Shape[1])
	assertClose(t, "PE", data(pe), golden.PE.floats(t), 1e-6)
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// RoPE's defining property: after rotation, q·k depends only on the offset
// between the two positions, and rotation preserves norms.
func TestRotaryScoresDependOnlyOnOffset(t *testing.T) {
	rng := nn.NewRand(41)
	const d = 16
	q, k := randTensor(rng, 1, d), randTensor(rng, 1, d)
	var r attention.Rotary
	score := func(m, n int) float64 { return dot(data(r.Apply(q, m)), data(r.Apply(k, n))) }
	for _, pair := range [][2]int{{0, 3}, {5, 2}, {100, 97}, {7, 7}} {
		m, n := pair[0], pair[1]
		for _, shift := range []int{1, 13, 1000} {
			if a, b := score(m, n), score(m+shift, n+shift); math.Abs(a-b) > 1e-4*(1+math.Abs(a)) {
				t.Errorf("score(%d, %d) = %v but score(%d, %d) = %v", m, n, a, m+shift, n+shift, b)
			}
		}
	}
	if a, b := dot(data(q), data(q)), dot(data(r.Apply(q, 37)), data(r.Apply(q, 37))); math.Abs(a-b) > 1e-4*a {
		t.Errorf("rotation changed the squared norm from %v to %v", a, b)
	}
	x := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float32{1, 0}))
	got := data(r.Apply(x, 1)) // one pair, θ₀ = 1: rotate (1, 0) by 1 radian
	assertClose(t, "rotated (1, 0)", got, []float32{float32(math.Cos(1)), float32(math.Sin(1))}, 1e-7)
}
