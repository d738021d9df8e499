package nn

import (
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/stretchr/testify/require"
)

func digitsMats(s *datasets.Images) (*Mat, []int) { return MatFrom(s.N, s.Dim(), s.X), s.Y }

func TestTrainClassifierLearnsDigits(t *testing.T) {
	train, test := datasets.Digits().Split(1437, 1)
	x, y := digitsMats(train)
	model := NewMLP([]int{64, 64, 10}, func() Layer { return &ReLU{} }, NewRand(1))
	var losses []float64
	_, err := TrainClassifier(context.Background(), model, x, y, TrainOptions{
		Epochs: 20, BatchSize: 32, Optimizer: NewAdam(1e-3), Rand: NewRand(2),
		OnEpoch: func(_ int, l float64) { losses = append(losses, l) },
	})
	require.NoError(t, err)
	require.Less(t, losses[len(losses)-1], losses[0]/5)
	xt, yt := digitsMats(test)
	pred := Predict(model, xt, 100)
	correct := 0
	for i := range pred {
		if pred[i] == yt[i] {
			correct++
		}
	}
	require.Greater(t, float64(correct)/float64(len(yt)), 0.95)
}

func TestTrainClassifierStopsOnCancel(t *testing.T) {
	x, y := digitsMats(datasets.Digits())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := TrainClassifier(ctx, NewMLP([]int{64, 10}, nil, NewRand(1)), x, y, TrainOptions{Epochs: 1, BatchSize: 8, Optimizer: NewAdam(1e-3)})
	require.ErrorIs(t, err, context.Canceled)
}

func BenchmarkDenseForwardBackward(b *testing.B) {
	d := NewDense(784, 512, NewRand(1))
	x := randMat(128, 784, 2)
	dy := randMat(128, 512, 3)
	for b.Loop() {
		d.Forward(x, true)
		d.Backward(dy)
	}
}

func BenchmarkMLPTrainStep(b *testing.B) {
	model := NewMLP([]int{784, 512, 512, 10}, func() Layer { return &ReLU{} }, NewRand(1))
	x := randMat(128, 784, 2)
	labels := make([]int, 128)
	for i := range labels {
		labels[i] = i % 10
	}
	opt := NewAdam(1e-3)
	params := model.Params()
	for b.Loop() {
		ZeroGrad(params)
		_, d := CrossEntropy(model.Forward(x, true), labels, 0)
		model.Backward(d)
		opt.Step(params)
	}
}
