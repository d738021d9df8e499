package adversarial

import (
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

// TestFGSMBreaksAnMNISTClassifier reproduces Goodfellow et al.'s headline
// on real data: FGSM at ε = 0.25 takes a well-trained fully connected MNIST
// classifier from ≥ 96% to under 5% accuracy. The protocol is mlprep's:
// train on a seeded 8,000 of MNIST's 10,000 test images (the training
// images are not available), test on the other 2,000.
func TestFGSMBreaksAnMNISTClassifier(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an MNIST MLP for a few seconds; run without -short")
	}
	m, err := datasets.MNIST("")
	if err != nil {
		t.Skipf("MNIST not available (%v); set MLPREP_DATA to the shared data directory", err)
	}
	train, test := m.Split(8000, 7)
	net := newReLUMLP([]int{784, 128, 10}, 1)
	rng := nn.NewRand(3)
	_, err = nn.TrainClassifier(context.Background(), net, nn.MatFrom(train.N, 784, train.X), train.Y, nn.TrainOptions{
		Epochs: 15, BatchSize: 64, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(2),
		Augment: func(x *nn.Mat, _ []int) *nn.Mat {
			return nn.MatFrom(x.Rows, x.Cols, datasets.RandomShifts(x.Data, 28, 28, 2, rng))
		},
	})
	require.NoError(t, err)
	e, err := Evaluate(context.Background(), FromLayer(net), FGSM{Epsilon: 0.25}, nn.MatFrom(test.N, 784, test.X), test.Y)
	require.NoError(t, err)
	t.Logf("MNIST (train 8,000 / test 2,000 of the test images), FGSM ε=0.25: %v", e)
	require.GreaterOrEqual(t, e.CleanAccuracy, 0.96)
	require.Less(t, e.RobustAccuracy, 0.05)
}
