package anomaly

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func TestResultsDoNotDependOnWorkerCount(t *testing.T) {
	x := uniformRows(3000, 5, 3)
	for _, cfg := range []struct {
		name string
		fit  func(workers int) (*Forest, error)
	}{
		{"isolation", func(w int) (*Forest, error) {
			return IsolationForest{Seed: 11, Contamination: 0.1, Bootstrap: true, MaxFeatures: 3, Workers: w}.Fit(ctx, x)
		}},
		{"extended", func(w int) (*Forest, error) {
			return ExtendedIsolationForest{Seed: 11, NonZero: 2, Workers: w}.Fit(ctx, x)
		}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			var model []byte
			var scores []float64
			for _, w := range []int{1, 2, 3, 8} {
				f, err := cfg.fit(w)
				require.NoError(t, err)
				b, err := f.MarshalBinary()
				require.NoError(t, err)
				s, err := f.ScoreSamples(ctx, x)
				require.NoError(t, err)
				if model == nil {
					model, scores = b, s
					continue
				}
				require.Equal(t, model, b, "forest grown with %d workers differs", w)
				require.Equal(t, scores, s, "scores with %d workers differ", w)
			}
		})
	}
}

func TestSeedsChangeTheForest(t *testing.T) {
	x := uniformRows(500, 3, 1)
	a, err := IsolationForest{Seed: 1}.Fit(ctx, x)
	require.NoError(t, err)
	b, err := IsolationForest{Seed: 2}.Fit(ctx, x)
	require.NoError(t, err)
	ma, _ := a.MarshalBinary()
	mb, _ := b.MarshalBinary()
	require.NotEqual(t, ma, mb)
}

func TestContaminationFlagsThatFractionOfTrainingData(t *testing.T) {
	x := uniformRows(2000, 4, 5)
	for _, c := range []float64{0.01, 0.1, 0.25, 0.5} {
		f, err := IsolationForest{Contamination: c, Seed: 3}.Fit(ctx, x)
		require.NoError(t, err)
		p, err := f.Predict(ctx, x)
		require.NoError(t, err)
		flagged := 0
		for _, v := range p {
			require.Contains(t, []int{-1, 1}, v)
			if v == -1 {
				flagged++
			}
		}
		// Strictly below the percentile: at most c·n, and ties aside at
		// least c·n − 1.
		require.InDelta(t, c*float64(len(x)), float64(flagged), 1, "contamination %v", c)
		d, err := f.DecisionFunction(ctx, x)
		require.NoError(t, err)
		s, err := f.ScoreSamples(ctx, x)
		require.NoError(t, err)
		for i := range d {
			require.Equal(t, s[i]-f.Offset(), d[i])
		}
	}
}

func TestAutoContaminationUsesTheOffsetOfThePaper(t *testing.T) {
	f, err := IsolationForest{Seed: 1}.Fit(ctx, uniformRows(100, 2, 1))
	require.NoError(t, err)
	require.Equal(t, -0.5, f.Offset())
	require.Equal(t, 100, f.Trees())
	require.Equal(t, 100, f.MaxSamples())
	require.Equal(t, 2, f.Features())
}

func TestScoresRankAnObviousOutlierFirst(t *testing.T) {
	x := uniformRows(1000, 3, 9)
	x = append(x, []float64{5, 5, 5})
	for _, f := range []func() (*Forest, error){
		func() (*Forest, error) { return IsolationForest{Seed: 4}.Fit(ctx, x) },
		func() (*Forest, error) { return ExtendedIsolationForest{Seed: 4}.Fit(ctx, x) },
	} {
		forest, err := f()
		require.NoError(t, err)
		s, err := forest.ScoreSamples(ctx, x)
		require.NoError(t, err)
		for i, v := range s[:len(s)-1] {
			require.Greater(t, v, s[len(s)-1], "row %d", i)
			require.True(t, v < 0 && v >= -1)
		}
	}
}

func TestBadInputReturnsErrors(t *testing.T) {
	good := uniformRows(50, 3, 1)
	nan := uniformRows(50, 3, 1)
	nan[7][2] = math.NaN()
	inf := uniformRows(50, 3, 1)
	inf[3][0] = math.Inf(-1)
	huge := uniformRows(50, 3, 1)
	huge[4][1] = 1e300 // finite, but not as float32
	ragged := uniformRows(50, 3, 1)
	ragged[9] = ragged[9][:2]
	cases := []struct {
		name string
		cfg  IsolationForest
		x    [][]float64
		want error
	}{
		{"no rows", IsolationForest{}, nil, ErrEmpty},
		{"no features", IsolationForest{}, [][]float64{{}, {}}, ErrEmpty},
		{"ragged", IsolationForest{}, ragged, ErrRagged},
		{"NaN", IsolationForest{}, nan, ErrNonFinite},
		{"Inf", IsolationForest{}, inf, ErrNonFinite},
		{"float32 overflow", IsolationForest{}, huge, ErrNonFinite},
		{"contamination above 0.5", IsolationForest{Contamination: 0.51}, good, ErrParam},
		{"negative contamination", IsolationForest{Contamination: -0.1}, good, ErrParam},
		{"NaN contamination", IsolationForest{Contamination: math.NaN()}, good, ErrParam},
		{"negative trees", IsolationForest{Trees: -1}, good, ErrParam},
		{"negative max samples", IsolationForest{MaxSamples: -5}, good, ErrParam},
		{"max samples fraction above 1", IsolationForest{MaxSamplesFraction: 1.5}, good, ErrParam},
		{"max samples fraction leaving nothing", IsolationForest{MaxSamplesFraction: 0.001}, good, ErrParam},
		{"both max samples options", IsolationForest{MaxSamples: 10, MaxSamplesFraction: 0.5}, good, ErrParam},
		{"too many features", IsolationForest{MaxFeatures: 4}, good, ErrParam},
		{"max features fraction 0 < f", IsolationForest{MaxFeaturesFraction: -0.5}, good, ErrParam},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := c.cfg.Fit(ctx, c.x)
			require.ErrorIs(t, err, c.want)
			require.Nil(t, f)
		})
	}
	f, err := IsolationForest{Seed: 1}.Fit(ctx, good)
	require.NoError(t, err)
	for name, x := range map[string][][]float64{
		"wrong width": uniformRows(5, 4, 1), "ragged": ragged, "NaN": nan, "empty": {},
	} {
		_, err := f.ScoreSamples(ctx, x)
		require.Error(t, err, name)
		_, err = f.Predict(ctx, x)
		require.Error(t, err, name)
	}
	_, err = f.ScoreSamples(ctx, uniformRows(5, 4, 1))
	require.ErrorIs(t, err, ErrFeatureCount)
	_, err = ExtendedIsolationForest{NonZero: 4}.Fit(ctx, good)
	require.ErrorIs(t, err, ErrParam)
	_, err = new(Forest).ScoreSamples(ctx, good)
	require.ErrorIs(t, err, ErrNotFitted)
}

func TestCancelledContextStopsFitAndScoring(t *testing.T) {
	x := uniformRows(5000, 3, 1)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := IsolationForest{}.Fit(cancelled, x)
	require.True(t, errors.Is(err, context.Canceled))
	f, err := IsolationForest{}.Fit(ctx, x)
	require.NoError(t, err)
	_, err = f.ScoreSamples(cancelled, x)
	require.ErrorIs(t, err, context.Canceled)
}

func TestHeightLimitBoundsEveryTree(t *testing.T) {
	x := uniformRows(5000, 2, 2)
	for _, psi := range []int{2, 3, 100, 256, 1000} {
		f, err := IsolationForest{MaxSamples: psi, Trees: 10, Seed: 1}.Fit(ctx, x)
		require.NoError(t, err)
		for _, tr := range f.trees {
			at := tr.(*axisTree)
			require.LessOrEqual(t, at.depth, heightLimit(psi), "ψ=%d", psi)
			require.LessOrEqual(t, len(at.nodes), 2*psi-1)
		}
	}
}
