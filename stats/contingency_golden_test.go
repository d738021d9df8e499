package stats

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMcNemarMatchesStatsmodelsDefinition(t *testing.T) {
	for _, c := range loadGolden(t).McNemar {
		t.Run(fmt.Sprintf("b=%d,c=%d", c.B, c.C), func(t *testing.T) {
			table := [2][2]int{{40, c.B}, {c.C, 17}}
			r, err := McNemar(table, McNemarExact)
			require.NoError(t, err)
			requireRel(t, c.ExactStatistic, r.Statistic, scipyTol)
			requireRel(t, c.ExactPValue, r.PValue, scipyTol)
			for method, want := range map[McNemarMethod][2]float64{McNemarChiSquare: c.ChiCorrected, McNemarChiSquareUncorrected: c.ChiSquare} {
				r, err := McNemar(table, method)
				require.NoError(t, err)
				requireRel(t, want[0], r.Statistic, scipyTol, method)
				requireRel(t, want[1], r.PValue, scipyTol, method)
				require.Equal(t, 1.0, r.DF)
			}
		})
	}
}

func TestChiSquareIndependenceMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).ChiSquare {
		t.Run(fmt.Sprintf("%s/correction=%v", c.Name, c.Correction), func(t *testing.T) {
			r, err := ChiSquareIndependence(c.Table, c.Correction)
			require.NoError(t, err)
			requireRel(t, c.Statistic, r.Statistic, scipyTol, "chi2")
			requireRel(t, c.PValue, r.PValue, scipyTol, "p")
			require.Equal(t, c.DOF, r.DF)
			for i := range c.Expected {
				for j := range c.Expected[i] {
					requireRel(t, c.Expected[i][j], r.Expected[i][j], 1e-15)
				}
			}
		})
	}
}

func TestCorrelationMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).Correlation {
		t.Run(c.Name+"/"+c.Alternative, func(t *testing.T) {
			alt := alternatives[c.Alternative]
			for _, level := range []struct {
				conf float64
				ci   [2]float64
			}{{0.95, c.PearsonCI95}, {0.80, c.PearsonCI80}} {
				p, err := Pearson(c.X, c.Y, Options{Alternative: alt, Confidence: level.conf})
				require.NoError(t, err)
				requireRel(t, c.Pearson[0], p.Statistic, scipyTol, "r")
				requireRel(t, c.Pearson[1], p.PValue, scipyTol, "p")
				requireRel(t, level.ci[0], p.CI.Low, scipyTol, "ci low")
				requireRel(t, level.ci[1], p.CI.High, scipyTol, "ci high")
			}
			s, err := Spearman(c.X, c.Y, alt)
			require.NoError(t, err)
			requireRel(t, *c.Spearman[0], s.Statistic, scipyTol, "rho")
			requireRel(t, orInf(c.Spearman[1], math.NaN()), s.PValue, scipyTol, "p")
		})
	}
}
