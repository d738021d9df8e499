package adversarial

import (
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

func TestTrainMakesTheModelRobust(t *testing.T) {
	if testing.Short() {
		t.Skip("adversarial training for 20 epochs; run without -short")
	}
	f := digitsOnce()
	const eps = 0.1
	attack := func(seed uint64) PGD {
		return PGD{Epsilon: eps, Step: eps / 4, Steps: 10, RandomStart: true, Rand: nn.NewRand(seed)}
	}
	robust := newReLUMLP([]int{64, 64, 10}, 1)
	var losses []float64
	_, err := Train(context.Background(), robust, f.trainX, f.trainLabels, TrainOptions{
		Attack: attack(10), Epochs: 20, BatchSize: 32, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(2),
		OnEpoch: func(_ int, l float64) { losses = append(losses, l) },
	})
	require.NoError(t, err)
	require.Less(t, losses[len(losses)-1], losses[0]/3)

	before, err := Evaluate(context.Background(), FromLayer(f.net), attack(11), f.x, f.labels)
	require.NoError(t, err)
	after, err := Evaluate(context.Background(), FromLayer(robust), attack(11), f.x, f.labels)
	require.NoError(t, err)
	t.Logf("PGD-10 ε=%v on digits: before %v; after %v", eps, before, after)
	require.Greater(t, after.RobustAccuracy, before.RobustAccuracy+0.2)
	require.Greater(t, after.CleanAccuracy, 0.9)
}

func TestTrainReportsBadInputAndAttackErrors(t *testing.T) {
	f := digitsOnce()
	opts := TrainOptions{Attack: FGSM{Epsilon: 0.1}, Epochs: 1, BatchSize: 64, Optimizer: nn.NewAdam(1e-3)}
	net := newReLUMLP([]int{64, 10}, 1)
	bad := append([]int(nil), f.trainLabels...)
	bad[700] = 12
	_, err := Train(context.Background(), net, f.trainX, bad, opts)
	require.ErrorIs(t, err, ErrLabel)
	_, err = Train(context.Background(), net, f.trainX, f.trainLabels[1:], opts)
	require.ErrorIs(t, err, ErrBatch)

	opts.Attack = FGSM{Epsilon: -1}
	_, err = Train(context.Background(), net, f.trainX, f.trainLabels, opts)
	require.ErrorIs(t, err, ErrEpsilon)

	opts.Attack = nil
	_, err = Train(context.Background(), net, f.trainX, f.trainLabels, opts)
	require.ErrorIs(t, err, ErrConfig)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts.Attack = FGSM{Epsilon: 0.1}
	_, err = Train(ctx, net, f.trainX, f.trainLabels, opts)
	require.ErrorIs(t, err, context.Canceled)
}
