package stats

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

var methods = map[string]Method{"auto": Auto, "exact": Exact, "asymptotic": Asymptotic, "approx": Asymptotic}

func TestMannWhitneyUMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).MannWhitneyU {
		t.Run(fmt.Sprintf("%s/%s/%s/continuity=%v", c.Name, c.Method, c.Alternative, c.Continuity), func(t *testing.T) {
			r, err := MannWhitneyU(c.X, c.Y, MannWhitneyOptions{
				Alternative: alternatives[c.Alternative], Method: methods[c.Method], NoContinuity: !c.Continuity})
			require.NoError(t, err)
			requireRel(t, c.Statistic, r.Statistic, scipyTol, "U")
			requireRel(t, c.PValue, r.PValue, scipyTol, "p", r.Method)
		})
	}
}

func TestWilcoxonMatchesSciPy(t *testing.T) {
	for _, c := range loadGolden(t).Wilcoxon {
		t.Run(fmt.Sprintf("%s/%s/%s/correction=%v", c.Name, c.Method, c.Alternative, c.Correction), func(t *testing.T) {
			r, err := Wilcoxon(c.X, c.Y, WilcoxonOptions{
				Alternative: alternatives[c.Alternative], Method: methods[c.Method], Continuity: c.Correction})
			require.NoError(t, err)
			requireRel(t, c.Statistic, r.Statistic, scipyTol, "T")
			requireRel(t, c.PValue, r.PValue, scipyTol, "p", r.Method)
			if c.Z != nil {
				requireRel(t, *c.Z, r.Z, scipyTol, "z")
			}
		})
	}
}
