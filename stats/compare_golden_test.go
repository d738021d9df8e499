package stats

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestAdjustPValuesMatchesStatsmodelsDefinitions(t *testing.T) {
	for _, c := range loadGolden(t).MultipleTests {
		for method, want := range map[Correction][]float64{Bonferroni: c.Bonferroni, Holm: c.Holm, BenjaminiHochberg: c.BH} {
			got, err := AdjustPValues(c.P, method)
			require.NoError(t, err)
			for i := range want {
				requireRel(t, want[i], got[i], 1e-15, c.Name, method, i)
			}
		}
	}
}

func TestEffectSizesMatchReference(t *testing.T) {
	for _, c := range loadGolden(t).EffectSizes {
		d, err := CohensD(c.X, c.Y)
		require.NoError(t, err)
		requireRel(t, c.CohensD, d, scipyTol, c.Name, "d")
		g, err := HedgesG(c.X, c.Y)
		require.NoError(t, err)
		requireRel(t, c.HedgesG, g, scipyTol, c.Name, "g")
		rb, err := RankBiserial(c.X, c.Y)
		require.NoError(t, err)
		requireRel(t, c.RankBiserial, rb, scipyTol, c.Name, "rank-biserial")
		if c.RankBiserialPaired != nil {
			rp, err := RankBiserialPaired(c.X, c.Y)
			require.NoError(t, err)
			requireRel(t, *c.RankBiserialPaired, rp, scipyTol, c.Name, "paired rank-biserial")
		}
	}
}

// gonum's NoncentralT (AS 243) against SciPy's nct, which is Boost's: 1e-9
// relative in the body; in a far tail AS 243 returns 1 − (the other tail), so
// its error there is absolute, about 1e-13. Power needs absolute accuracy.
func TestNoncentralTMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).NCT {
		d := distuv.NoncentralT{Nu: c.DF, Mu: c.NC}
		require.InDelta(t, c.CDF, d.CDF(c.T), scipyTol*c.CDF+1e-13, "cdf %+v", c)
		require.InDelta(t, c.SF, 1-d.CDF(c.T), scipyTol*c.SF+1e-13, "sf %+v", c)
	}
}

func TestTTestPowerMatchesReference(t *testing.T) {
	for _, c := range loadGolden(t).Power {
		p, err := TTestPower(c.Effect, c.N1, c.N2, c.Alpha, alternatives[c.Alternative])
		require.NoError(t, err)
		// The reference's critical value comes from SciPy's t.isf (CDFLIB).
		requireRel(t, c.Power, p, scipyQuantileTol, c)
	}
	for _, c := range loadGolden(t).SampleSize {
		n, err := TTestSampleSize(c.Effect, c.Alpha, c.Power, alternatives[c.Alternative])
		require.NoError(t, err)
		requireRel(t, c.N, n, 1e-8, c)
	}
}

func TestCV52MatchesReference(t *testing.T) {
	for _, c := range loadGolden(t).CV52 {
		for name, alt := range alternatives {
			r, err := CV52TTest(c.Diffs, alt)
			require.NoError(t, err)
			requireRel(t, c.T, r.Statistic, scipyTol, c.Name)
			requireRel(t, c.TPValue[name], r.PValue, scipyTol, c.Name, name)
		}
		f, err := CV52FTest(c.Diffs)
		require.NoError(t, err)
		requireRel(t, c.F, f.Statistic, scipyTol, c.Name)
		requireRel(t, c.FPValue, f.PValue, scipyTol, c.Name)
	}
}
