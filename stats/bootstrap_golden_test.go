package stats

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenStatistics are the statistics scripts/golden/stats.py bootstraps,
// by case name.
var goldenStatistics = map[string]Statistic{
	"mean":                        func(s ...[]float64) float64 { return mean(s[0]) },
	"constant":                    func(s ...[]float64) float64 { return mean(s[0]) },
	"median_ties":                 func(s ...[]float64) float64 { return Percentile(s[0], 50) },
	"mean_difference_independent": func(s ...[]float64) float64 { return mean(s[0]) - mean(s[1]) },
	"mean_difference_paired": func(s ...[]float64) float64 {
		d := make([]float64, len(s[0]))
		for i := range d {
			d[i] = s[0][i] - s[1][i]
		}
		return mean(d)
	},
}

var bootstrapMethods = map[string]BootstrapMethod{"BCa": BCa, "percentile": PercentileInterval, "basic": BasicInterval}

// SciPy's bootstrap distribution, fed through our interval arithmetic
// (jackknife, bias correction, acceleration, NumPy percentiles), must give
// SciPy's interval.
func TestBootstrapIntervalMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).Bootstrap {
		stat := goldenStatistics[c.Name]
		require.NotNil(t, stat, c.Name)
		jack, err := jackknife(context.Background(), c.Data, stat, c.Paired, 2)
		require.NoError(t, err)
		for _, g := range c.Results {
			t.Run(c.Name+"/"+g.Method, func(t *testing.T) {
				r := bootstrapInterval(stat(c.Data...), slices.Clone(c.Distribution), jack, bootstrapMethods[g.Method], g.Level)
				requireRel(t, g.StandardError, r.StandardError, scipyTol, "standard error")
				if g.CI[0] == nil {
					require.False(t, r.Defined)
					require.True(t, math.IsNaN(r.CI.Low) && math.IsNaN(r.CI.High))
					require.NotEmpty(t, r.Reason)
					return
				}
				require.True(t, r.Defined)
				requireRel(t, *g.CI[0], r.CI.Low, scipyTol, "low", g.Level)
				requireRel(t, *g.CI[1], r.CI.High, scipyTol, "high", g.Level)
			})
		}
	}
}

func TestPercentileMatchesNumPy(t *testing.T) {
	for _, c := range loadGolden(t).Percentiles {
		for i, q := range c.Q {
			require.Equal(t, c.Value[i], Percentile(c.X, q), "%s q=%v", c.Name, q)
		}
	}
}
