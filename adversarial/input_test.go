package adversarial

import (
	"context"
	"math"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

func TestBadInputReturnsErrors(t *testing.T) {
	f := digitsOnce()
	model := FromLayer(f.net)
	x := rows(f.x, 0, 4)
	labels := f.labels[:4]
	withValue := func(v float32) *Matrix {
		c := x.Clone()
		c.Data[5] = v
		return c
	}
	nan := float32(math.NaN())
	cases := []struct {
		name   string
		attack Attack
		x      *Matrix
		labels []int
		want   error
	}{
		{"negative ε", FGSM{Epsilon: -0.1}, x, labels, ErrEpsilon},
		{"NaN ε", PGD{Epsilon: math.NaN(), Step: 0.01, Steps: 1}, x, labels, ErrEpsilon},
		{"infinite ε", FGSM{Epsilon: math.Inf(1)}, x, labels, ErrEpsilon},
		{"negative step", PGD{Epsilon: 0.1, Step: -0.01, Steps: 1}, x, labels, ErrEpsilon},
		{"negative overshoot", DeepFool{Overshoot: -1}, x, labels, ErrEpsilon},
		{"NaN input", FGSM{Epsilon: 0.1}, withValue(nan), labels, ErrInput},
		{"infinite input", PGD{Epsilon: 0.1, Step: 0.01, Steps: 1}, withValue(float32(math.Inf(1))), labels, ErrInput},
		{"input outside the range", DeepFool{}, withValue(1.5), labels, ErrInput},
		{"empty batch", FGSM{Epsilon: 0.1}, nn.NewMat(0, 64), nil, ErrInput},
		{"label above the classes", FGSM{Epsilon: 0.1}, x, []int{0, 1, 10, 2}, ErrLabel},
		{"negative label", DeepFool{}, x, []int{0, -1, 2, 3}, ErrLabel},
		{"fewer labels than rows", FGSM{Epsilon: 0.1}, x, labels[:3], ErrBatch},
		{"more labels than rows", PGD{Epsilon: 0.1, Step: 0.01, Steps: 1}, x, f.labels[:5], ErrBatch},
		{"Start of another shape", PGD{Epsilon: 0.1, Step: 0.01, Steps: 1, Start: nn.NewMat(3, 64)}, x, labels, ErrBatch},
		{"Start outside the ball", PGD{Epsilon: 0.1, Step: 0.01, Steps: 1, Start: filled(4, 64, 0.2)}, x, labels, ErrConfig},
		{"no steps", PGD{Epsilon: 0.1, Step: 0.01}, x, labels, ErrConfig},
		{"unknown norm", PGD{Norm: 7, Epsilon: 0.1, Step: 0.01, Steps: 1}, x, labels, ErrConfig},
		{"empty range", FGSM{Epsilon: 0.1, Range: Range{Min: 1, Max: -1}}, x, labels, ErrConfig},
		{"negative MaxIter", DeepFool{MaxIter: -1}, x, labels, ErrConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.attack.Perturb(context.Background(), model, c.x, c.labels)
			require.ErrorIs(t, err, c.want)
			_, err = Evaluate(context.Background(), model, c.attack, c.x, c.labels)
			require.Error(t, err)
		})
	}
}

func filled(r, c int, v float32) *Matrix {
	m := nn.NewMat(r, c)
	for i := range m.Data {
		m.Data[i] = v
	}
	return m
}

func TestCustomRangeIsRespected(t *testing.T) {
	// Inputs standardised to [−1, 1]: the attack clips to that box instead.
	m := linearModel{w: &Matrix{Rows: 2, Cols: 2, Data: []float32{1, -1, -1, 1}}, b: []float32{0, 0}}
	x := &Matrix{Rows: 1, Cols: 2, Data: []float32{-0.9, 0.95}}
	res, err := FGSM{Epsilon: 0.5, Range: Range{Min: -1, Max: 1}}.Perturb(context.Background(), m, x, []int{1})
	require.NoError(t, err)
	require.InDeltaSlice(t, []float32{-0.4, 0.45}, res.X.Data, 1e-6)
	_, err = FGSM{Epsilon: 0.5}.Perturb(context.Background(), m, x, []int{1})
	require.ErrorIs(t, err, ErrInput, "the default range is [0, 1]")
}
