package adversarial

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

// digitsFixture is a 64-64-10 MLP trained on the embedded digits, with the
// held-out split, shared by the tests.
type digitsFixture struct {
	net           *nn.Sequential
	x             *Matrix
	labels        []int
	trainX        *Matrix
	trainLabels   []int
	cleanAccuracy float64
}

var digitsOnce = sync.OnceValue(func() digitsFixture {
	train, test := datasets.Digits().Split(1437, 1)
	net := newReLUMLP([]int{64, 64, 10}, 1)
	x := nn.MatFrom(train.N, train.Dim(), train.X)
	if _, err := nn.TrainClassifier(context.Background(), net, x, train.Y, nn.TrainOptions{
		Epochs: 20, BatchSize: 32, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(2),
	}); err != nil {
		panic(err)
	}
	xt := nn.MatFrom(test.N, test.Dim(), test.X)
	return digitsFixture{net: net, x: xt, labels: test.Y, trainX: x, trainLabels: train.Y,
		cleanAccuracy: nn.Accuracy(net.Forward(xt, false), test.Y)}
})

// perturbationNorms returns the largest L∞ and L2 norms of a row of adv − x.
func perturbationNorms(x, adv *Matrix) (linf, l2max float64) {
	diff := make([]float32, x.Cols)
	for i := 0; i < x.Rows; i++ {
		for j := range diff {
			diff[j] = adv.At(i, j) - x.At(i, j)
		}
		linf = math.Max(linf, norm(LInf, diff))
		l2max = math.Max(l2max, norm(L2, diff))
	}
	return linf, l2max
}

func TestAttacksStayInBudgetAndRange(t *testing.T) {
	f := digitsOnce()
	require.Greater(t, f.cleanAccuracy, 0.95)
	model := FromLayer(f.net)
	targets := make([]int, len(f.labels))
	for i, y := range f.labels {
		targets[i] = (y + 1) % 10
	}
	cases := []struct {
		name       string
		attack     Attack
		targeted   bool
		maxLinf    float64 // 0: not an L∞ attack
		maxL2      float64 // 0: not an L2 attack
		minSuccess float64
	}{
		{"FGSM ε=0.2", FGSM{Epsilon: 0.2}, false, 0.2, 0, 0.6},
		{"targeted FGSM ε=0.3", FGSM{Epsilon: 0.3, Targeted: true}, true, 0.3, 0, 0.1},
		{"BIM ε=0.15", BIM(0.15, 0.03, 10), false, 0.15, 0, 0.6},
		{"PGD L∞ ε=0.15", PGD{Epsilon: 0.15, Step: 0.03, Steps: 10, RandomStart: true, Rand: nn.NewRand(3)}, false, 0.15, 0, 0.6},
		{"targeted PGD L∞ ε=0.2", PGD{Epsilon: 0.2, Step: 0.02, Steps: 20, RandomStart: true, Targeted: true}, true, 0.2, 0, 0.6},
		{"PGD L2 ε=1", PGD{Norm: L2, Epsilon: 1, Step: 0.25, Steps: 10, RandomStart: true, Rand: nn.NewRand(4)}, false, 0, 1, 0.6},
		{"DeepFool", DeepFool{}, false, 0, 0, 0.95},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			labels := f.labels
			if c.targeted {
				labels = targets
			}
			res, err := c.attack.Perturb(context.Background(), model, f.x, labels)
			require.NoError(t, err)
			for _, v := range res.X.Data {
				require.True(t, v >= 0 && v <= 1, "value %v outside [0, 1]", v)
			}
			linf, l2max := perturbationNorms(f.x, res.X)
			if c.maxLinf > 0 {
				require.LessOrEqual(t, linf, c.maxLinf+1e-6)
				require.Greater(t, linf, c.maxLinf/2, "the attack should use its budget")
			}
			if c.maxL2 > 0 {
				require.LessOrEqual(t, l2max, c.maxL2*(1+1e-5))
			}
			successes := 0
			logits := f.net.Forward(res.X, false)
			for i, ok := range res.Success {
				pred := nn.Argmax(logits)[i]
				require.Equal(t, pred, res.Pred[i])
				require.Equal(t, ok, (pred == labels[i]) == c.targeted, "row %d", i)
				if ok {
					successes++
				}
			}
			require.GreaterOrEqual(t, float64(successes)/float64(len(labels)), c.minSuccess)
		})
	}
}

func TestFGSMMovesEveryFreePixelByExactlyEpsilon(t *testing.T) {
	f := digitsOnce()
	const eps = 0.125 // exact in float32, so x ± ε is exact for the digits' sixteenths
	res, err := FGSM{Epsilon: eps}.Perturb(context.Background(), FromLayer(f.net), f.x, f.labels)
	require.NoError(t, err)
	_, grad := FromLayer(f.net).InputGradient(f.x, crossEntropyGrad(f.labels))
	for i, v := range f.x.Data {
		want := min(max(v+eps*sign(grad.Data[i]), 0), 1)
		require.Equal(t, want, res.X.Data[i], "element %d", i)
	}
}

func TestDeepFoolFindsTheNearestBoundaryOfALinearModel(t *testing.T) {
	// Two classes, logits (w·x, 0): the boundary is the hyperplane w·x = 0,
	// at distance |w·x|/‖w‖ from x, which DeepFool reaches in one step.
	w := []float32{0.5, -1, 2}
	m := linearModel{w: &Matrix{Rows: 2, Cols: 3, Data: []float32{0.5, -1, 2, 0, 0, 0}}, b: []float32{0, 0}}
	x := &Matrix{Rows: 2, Cols: 3, Data: []float32{0.2, 0.3, 0.4, 0.9, 0.8, 0.1}}
	df := DeepFool{Overshoot: 0.02, Range: Range{Min: -10, Max: 10}}
	res, err := df.Perturb(context.Background(), m, x, []int{0, 1})
	require.NoError(t, err)
	wn := l2(w)
	for i := 0; i < x.Rows; i++ {
		var score float64
		for j, wj := range w {
			score += float64(wj * x.At(i, j))
		}
		want := (math.Abs(score) + 1e-4) / wn * 1.02
		_, got := perturbationNorms(rows(x, i, i+1), rows(res.X, i, i+1))
		require.InDelta(t, want, got, 1e-5, "row %d", i)
		require.True(t, res.Success[i])
	}
}

func TestResultsDoNotDependOnWorkers(t *testing.T) {
	f := digitsOnce()
	x, labels := rows(f.trainX, 0, 300), f.trainLabels[:300] // two full chunks and a partial one
	model := FromLayer(f.net)
	attacks := map[string]func(workers int) Attack{
		"PGD": func(w int) Attack {
			return PGD{Epsilon: 0.1, Step: 0.02, Steps: 5, RandomStart: true, Rand: nn.NewRand(7), Workers: w}
		},
		"PGD L2": func(w int) Attack {
			return PGD{Norm: L2, Epsilon: 1, Step: 0.2, Steps: 5, RandomStart: true, Rand: nn.NewRand(7), Workers: w}
		},
		"DeepFool": func(w int) Attack { return DeepFool{Workers: w, MaxIter: 5} },
	}
	for name, at := range attacks {
		t.Run(name, func(t *testing.T) {
			one, err := at(1).Perturb(context.Background(), model, x, labels)
			require.NoError(t, err)
			for _, w := range []int{2, 3} {
				many, err := at(w).Perturb(context.Background(), model, x, labels)
				require.NoError(t, err)
				require.Equal(t, one.X.Data, many.X.Data, "workers %d", w)
				require.Equal(t, one.Success, many.Success)
			}
		})
	}
}

func TestAttacksStopWhenCancelled(t *testing.T) {
	f := digitsOnce()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, a := range []Attack{FGSM{Epsilon: 0.1}, BIM(0.1, 0.01, 5), DeepFool{}} {
		_, err := a.Perturb(ctx, FromLayer(f.net), f.x, f.labels)
		require.ErrorIs(t, err, context.Canceled)
	}
}

func TestZeroBudgetLeavesInputsAlone(t *testing.T) {
	f := digitsOnce()
	for _, a := range []Attack{FGSM{}, PGD{Steps: 3, RandomStart: true}} {
		res, err := a.Perturb(context.Background(), FromLayer(f.net), f.x, f.labels)
		require.NoError(t, err)
		require.Equal(t, f.x.Data, res.X.Data)
	}
}
