package gcn

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func smallSBM(t *testing.T, seed uint64) *Dataset {
	t.Helper()
	d, err := SBM{Nodes: 400, Classes: 4, Features: 200, WordsPerNode: 8, TrainPerClass: 10, Val: 100, Test: 200, Seed: seed}.Generate()
	require.NoError(t, err)
	return d
}

func TestTrainUsesTheGraph(t *testing.T) {
	d := smallSBM(t, 1)
	withGraph, err := Train(context.Background(), d, Options{})
	require.NoError(t, err)

	edgeless := *d
	edgeless.Graph, err = NewGraph(d.Graph.Nodes(), nil)
	require.NoError(t, err)
	featuresOnly, err := Train(context.Background(), &edgeless, Options{})
	require.NoError(t, err)

	t.Logf("test accuracy: GCN %.3f, same model without edges %.3f", withGraph.TestAcc, featuresOnly.TestAcc)
	require.Greater(t, withGraph.TestAcc, 0.65)
	require.Greater(t, withGraph.TestAcc, featuresOnly.TestAcc+0.12)
	require.Len(t, withGraph.Predictions, 400)
	require.Equal(t, 400, withGraph.Embeddings.Rows)
	require.Equal(t, 16, withGraph.Embeddings.Cols)
}

func TestTrainIsDeterministic(t *testing.T) {
	d := smallSBM(t, 2)
	a, err := Train(context.Background(), d, Options{Seed: 5, Epochs: 30})
	require.NoError(t, err)
	b, err := Train(context.Background(), d, Options{Seed: 5, Epochs: 30})
	require.NoError(t, err)
	require.Equal(t, a.History, b.History)
	c, err := Train(context.Background(), d, Options{Seed: 6, Epochs: 30})
	require.NoError(t, err)
	require.NotEqual(t, a.History, c.History)
}

func TestTrainOptions(t *testing.T) {
	d := smallSBM(t, 3)
	var seen []int
	r, err := Train(context.Background(), d, Options{Epochs: 7, Hidden: 5, Dropout: -1, WeightDecay: -1, Window: -1,
		OnEpoch: func(s EpochStats) { seen = append(seen, s.Epoch) }})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 3, 4, 5, 6, 7}, seen)
	require.Len(t, r.History, 7)
	require.False(t, r.StoppedEarly)
	require.Equal(t, 5, r.Model.Conv1.Out())
	require.Zero(t, r.Model.P)
	require.Nil(t, r.Model.Conv1.B, "the paper's model has no biases")
	require.Len(t, r.Model.Params(), 2)

	r, err = Train(context.Background(), d, Options{Epochs: 3, Bias: true})
	require.NoError(t, err)
	require.Len(t, r.Model.Params(), 4)
	require.NotEqual(t, make([]float32, 16), r.Model.Conv1.B.Value.Data, "biases are trained")

	// Without dropout the training pass is the evaluation pass, so the
	// training loss falls monotonically at this learning rate.
	for i := 1; i < len(r.History); i++ {
		require.Less(t, r.History[i].TrainLoss, r.History[i-1].TrainLoss)
	}
}

func TestStopEarly(t *testing.T) {
	tests := []struct {
		losses []float64
		window int
		want   bool
	}{
		{[]float64{5, 4, 3, 4}, 2, true},
		{[]float64{5, 4, 3, 3.5}, 2, false}, // 3.5 == mean(4, 3): not above
		{[]float64{4, 3, 4}, 2, false},      // needs window+2 epochs, as epoch > window in the paper's code
		{[]float64{1, 1, 1, 1, 1, 2}, 3, true},
		{[]float64{3, 2, 1, 0.5, 0.4}, 3, false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, stopEarly(tc.losses, tc.window), "%v window %d", tc.losses, tc.window)
	}
}

func TestTrainStopsEarlyWhenValidationLossRises(t *testing.T) {
	d := smallSBM(t, 4)
	r, err := Train(context.Background(), d, Options{LR: 0.2, Dropout: -1, WeightDecay: -1, Epochs: 300})
	require.NoError(t, err)
	require.True(t, r.StoppedEarly)
	require.Less(t, len(r.History), 300)
	last := r.History[len(r.History)-1]
	require.True(t, stopEarly(historyLosses(r.History), 10), "stopped at epoch %d", last.Epoch)
}

func historyLosses(h []EpochStats) []float64 {
	var l []float64
	for _, s := range h {
		l = append(l, s.ValLoss)
	}
	return l
}

func TestTrainIsolatedNodesAndNoValidation(t *testing.T) {
	d := tinyDataset(t)
	g, err := NewGraph(4, []Edge{{0, 1}}) // nodes 2 and 3 isolated
	require.NoError(t, err)
	d.Graph = g
	d.Split = Split{Train: []int{0, 3}, Test: []int{1, 2}}
	r, err := Train(context.Background(), d, Options{Epochs: 100, Hidden: 4, Dropout: -1})
	require.NoError(t, err)
	require.Len(t, r.History, 100, "no validation nodes, no early stopping")
	require.True(t, math.IsNaN(r.History[0].ValLoss))
	for _, s := range r.History {
		require.False(t, math.IsNaN(s.TrainLoss) || math.IsInf(s.TrainLoss, 0))
	}
	require.False(t, math.IsNaN(r.TestLoss))
	require.Equal(t, 1, r.Predictions[3], "an isolated training node is fitted from its own features")
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	d := tinyDataset(t)
	d.Labels[1] = 7
	_, err := Train(ctx, d, Options{})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, `node 1 (id "b"): label 7 outside [0, 2)`)

	d = tinyDataset(t)
	d.Split.Train = nil
	_, err = Train(ctx, d, Options{})
	require.ErrorContains(t, err, "has no training nodes")

	_, err = Train(ctx, tinyDataset(t), Options{Dropout: 1})
	require.ErrorContains(t, err, "options out of range")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Train(cancelled, tinyDataset(t), Options{})
	require.ErrorIs(t, err, context.Canceled)
}
