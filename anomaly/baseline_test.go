package anomaly

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRobustZEstimatesMedianAndScale(t *testing.T) {
	cases := []struct {
		name          string
		col           []float64
		median, scale float64
	}{
		// median 3, |x−3| = 2 1 0 1 97 → MAD 1.
		{"MAD", []float64{1, 2, 3, 4, 100}, 3, madToSigma * 1},
		// Even count: numpy's median averages the middle pair: 2.5;
		// deviations 1.5 0.5 0.5 1.5 → MAD 1.
		{"even count", []float64{1, 2, 3, 4}, 2.5, madToSigma * 1},
		// MAD 0 (most values at the median): mean absolute deviation 10/5.
		{"mean deviation fallback", []float64{0, 0, 0, 0, 10}, 0, meanADToSigma * 2},
		{"constant", []float64{7, 7, 7}, 7, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := make([][]float64, len(c.col))
			for i, v := range c.col {
				x[i] = []float64{v}
			}
			b, err := FitRobustZ(x)
			require.NoError(t, err)
			require.InDelta(t, c.median, b.Median[0], 1e-12)
			require.InDelta(t, c.scale, b.Scale[0], 1e-12)
		})
	}
}

func TestRobustZScoresMeanAbsoluteZ(t *testing.T) {
	b := &RobustZ{Median: []float64{0, 10, 5}, Scale: []float64{1, 2, 0}}
	s, err := b.ScoreSamples([][]float64{{0, 10, 5}, {3, 6, 1e6}})
	require.NoError(t, err)
	// The constant feature (scale 0) is ignored: (3 + 2 + 0) / 3.
	require.Equal(t, []float64{0, -5.0 / 3}, s)
	_, err = b.ScoreSamples([][]float64{{1, 2}})
	require.ErrorIs(t, err, ErrFeatureCount)
	_, err = (&RobustZ{}).ScoreSamples([][]float64{{1}})
	require.ErrorIs(t, err, ErrParam)
	_, err = FitRobustZ([][]float64{{1, 2}, {3}})
	require.ErrorIs(t, err, ErrRagged)
}
