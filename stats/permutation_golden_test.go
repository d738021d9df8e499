package stats

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func meanDifference(s ...[]float64) float64 { return mean(s[0]) - mean(s[1]) }

// permutationStatistics mirror the statistics in scripts/golden/stats.py.
var permutationStatistics = map[string]Statistic{
	"mean_difference": meanDifference,
	"mean":            func(s ...[]float64) float64 { return mean(s[0]) },
	"group_mean_variance": func(s ...[]float64) float64 {
		means := make([]float64, len(s))
		for i, x := range s {
			means[i] = mean(x)
		}
		return variance(means, nil) * float64(len(means)-1) / float64(len(means))
	},
	"pearson": func(s ...[]float64) float64 {
		ma, mb := mean(s[0]), mean(s[1])
		am := make([]float64, len(s[0]))
		bm := make([]float64, len(s[0]))
		ab := make([]float64, len(s[0]))
		for i := range am {
			am[i], bm[i] = s[0][i]-ma, s[1][i]-mb
			ab[i] = am[i] * bm[i]
		}
		sq := func(x []float64) float64 {
			y := make([]float64, len(x))
			for i, v := range x {
				y[i] = v * v
			}
			return numpySum(y)
		}
		return numpySum(ab) / math.Sqrt(sq(am)*sq(bm))
	},
}

var permutationTypes = map[string]PermutationType{"independent": Independent, "samples": Paired, "pairings": Pairings}

// Exact permutation tests are deterministic: the p-value must be SciPy's.
func TestExactPermutationTestMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).Permutation {
		t.Run(c.Name+"/"+c.Alternative, func(t *testing.T) {
			stat := permutationStatistics[c.StatisticName]
			require.NotNil(t, stat, c.StatisticName)
			o := PermutationOptions{Type: permutationTypes[c.Type], Alternative: alternatives[c.Alternative]}
			if c.Type == "pairings" {
				if testing.Short() {
					t.Skip("enumerates (6!)² = 518,400 pairings")
				}
				o.Resamples = math.MaxInt
			}
			r, err := PermutationTest(context.Background(), c.Data, stat, o)
			require.NoError(t, err)
			require.True(t, r.Exact)
			require.Len(t, r.Null, c.NullSize)
			requireRel(t, c.Statistic, r.Statistic, scipyTol, "statistic")
			requireRel(t, c.PValue, r.PValue, scipyTol, "p")
		})
	}
}

// A Monte Carlo p-value must agree with the exact one within sampling error.
func TestMonteCarloPermutationTestAgreesWithExact(t *testing.T) {
	g := loadGolden(t).PermutationMonteCarlo
	const resamples = 20000
	r, err := PermutationTest(context.Background(), [][]float64{g.X, g.Y}, meanDifference, PermutationOptions{Resamples: resamples, Seed: 3})
	require.NoError(t, err)
	require.False(t, r.Exact)
	require.Len(t, r.Null, resamples)
	se := math.Sqrt(g.ExactPValue * (1 - g.ExactPValue) / resamples)
	require.InDelta(t, g.ExactPValue, r.PValue, 2*4*se, "exact %v, Monte Carlo %v", g.ExactPValue, r.PValue)
}
