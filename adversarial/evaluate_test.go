package adversarial

import (
	"context"
	"math"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

func TestSummariseCountsByHand(t *testing.T) {
	x := &Matrix{Rows: 4, Cols: 2, Data: []float32{0, 0, 0, 0, 0, 0, 0, 0}}
	labels := []int{0, 1, 1, 0}
	clean := []int{0, 1, 0, 0} // row 2 already wrong
	res := &Result{
		X:    &Matrix{Rows: 4, Cols: 2, Data: []float32{0.3, 0.4, 0, 0, 1, 1, 0.1, -0.2}},
		Pred: []int{1, 1, 0, 1}, // rows 0 and 3 flipped, row 1 held
	}
	e := summarise(x, labels, clean, res)
	require.Equal(t, 4, e.N)
	require.Equal(t, 0.75, e.CleanAccuracy)
	require.Equal(t, 0.25, e.RobustAccuracy)
	require.InDelta(t, 2.0/3, e.SuccessRate, 1e-12)
	require.InDelta(t, (0.5+math.Sqrt(0.05))/2, e.MeanL2, 1e-7)
	require.InDelta(t, (0.4+0.2)/2, e.MeanLinf, 1e-7)

	none := summarise(x, labels, []int{1, 0, 0, 1}, res)
	require.True(t, math.IsNaN(none.SuccessRate), "no correct row: success rate undefined")
	require.True(t, math.IsNaN(none.MeanL2))
}

func TestSweepRobustAccuracyFallsWithBudget(t *testing.T) {
	f := digitsOnce()
	model := FromLayer(f.net)
	pgd := func(eps float64) Attack {
		return PGD{Epsilon: eps, Step: eps / 4, Steps: 10, RandomStart: true, Rand: nn.NewRand(9)}
	}
	points, err := Sweep(context.Background(), model, pgd, []float64{0, 0.05, 0.1, 0.2, 0.3}, f.x, f.labels)
	require.NoError(t, err)
	require.Len(t, points, 5)
	require.Equal(t, points[0].CleanAccuracy, points[0].RobustAccuracy, "ε = 0 changes nothing")
	require.InDelta(t, f.cleanAccuracy, points[0].CleanAccuracy, 1e-12)
	for i := 1; i < len(points); i++ {
		require.LessOrEqual(t, points[i].RobustAccuracy, points[i-1].RobustAccuracy, "ε = %v", points[i].Epsilon)
		require.LessOrEqual(t, points[i].MeanLinf, points[i].Epsilon+1e-6)
	}
	require.Less(t, points[4].RobustAccuracy, 0.05, "PGD at ε = 0.3 breaks an undefended model")

	e, err := Evaluate(context.Background(), model, pgd(0.1), f.x, f.labels)
	require.NoError(t, err)
	require.Equal(t, points[2].Evaluation, e)

	_, err = Sweep(context.Background(), model, pgd, []float64{0.1, -1}, f.x, f.labels)
	require.ErrorIs(t, err, ErrEpsilon)
	require.ErrorContains(t, err, "ε = -1")
}
