package anomaly

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// sklearnGolden is testdata/sklearn_golden.json, written by
// scripts/golden/anomaly.py from scikit-learn 1.2.1.
type sklearnGolden struct {
	AveragePathLength struct {
		N []int
		C []float64
	} `json:"average_path_length"`
	MaxSamples []struct {
		N          int
		Spec       any
		MaxSamples int `json:"max_samples"`
		Height     int
	} `json:"max_samples"`
	MaxFeatures []struct {
		D           int
		Spec        any
		MaxFeatures int `json:"max_features"`
	} `json:"max_features"`
	Offsets []struct {
		Scores        []float64
		Contamination float64
		Offset        float64
	}
	FittedOffset struct {
		Scores        []float64
		Contamination float64
		Offset        float64
		Decision      []float64
		Predict       []int
	} `json:"fitted_offset"`
	Degenerate []struct {
		Name       string
		X          [][]float64
		MaxSamples int `json:"max_samples"`
		Scores     []float64
	}
	Agreement struct {
		X        [][]float64
		Y        []int
		Seeds    int
		Settings map[string]struct {
			Params     map[string]any
			MeanScores []float64 `json:"mean_scores"`
			AUCs       []float64
			Offsets    []float64
			Flagged    []float64
		}
	}
}

var golden = sync.OnceValues(func() (*sklearnGolden, error) {
	b, err := os.ReadFile("testdata/sklearn_golden.json")
	if err != nil {
		return nil, err
	}
	g := new(sklearnGolden)
	return g, json.Unmarshal(b, g)
})

func loadGolden(t *testing.T) *sklearnGolden {
	t.Helper()
	g, err := golden()
	require.NoError(t, err)
	return g
}

// ulps is the distance between a and b in units in the last place.
func ulps(a, b float64) uint64 {
	ia, ib := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	if ia < 0 {
		ia = math.MinInt64 - ia
	}
	if ib < 0 {
		ib = math.MinInt64 - ib
	}
	if ia > ib {
		return uint64(ia - ib)
	}
	return uint64(ib - ia)
}

// Go's math.Log and glibc's log differ by an ulp for some arguments, so
// c(n) (same formula, same order of operations) agrees to within 2 ulps.
func TestAveragePathLengthMatchesScikitLearn(t *testing.T) {
	g := loadGolden(t).AveragePathLength
	for i, n := range g.N {
		require.LessOrEqual(t, ulps(g.C[i], AveragePathLength(n)), uint64(2), "c(%d) = %v, scikit-learn %v", n, AveragePathLength(n), g.C[i])
	}
}

func TestMaxSamplesAndHeightMatchScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).MaxSamples {
		count, fraction := 0, 0.0
		switch s := c.Spec.(type) {
		case string: // 'auto'
		case float64:
			if s == math.Trunc(s) && s > 1 || s == 1 && c.MaxSamples == 1 && c.N > 1 {
				count = int(s)
			} else {
				fraction = s
			}
		}
		psi, err := resolveMaxSamples(count, fraction, c.N)
		require.NoError(t, err)
		require.Equal(t, c.MaxSamples, psi, "n=%d spec=%v", c.N, c.Spec)
		require.Equal(t, c.Height, heightLimit(psi), "height for ψ=%d", psi)
	}
}

func TestMaxFeaturesMatchesScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).MaxFeatures {
		count, fraction := 0, 0.0
		if s := c.Spec.(float64); s == math.Trunc(s) && s > 1 {
			count = int(s)
		} else {
			fraction = s
		}
		k, err := resolveMaxFeatures(count, fraction, c.D)
		require.NoError(t, err)
		require.Equal(t, c.MaxFeatures, k, "d=%d spec=%v", c.D, c.Spec)
	}
}

func TestOffsetIsNumpyPercentileBitForBit(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Offsets {
		require.Equal(t, c.Offset, percentile(c.Scores, 100*c.Contamination), "n=%d contamination=%v", len(c.Scores), c.Contamination)
	}
	fo := g.FittedOffset
	require.Equal(t, fo.Offset, percentile(fo.Scores, 100*fo.Contamination))
}

func TestPredictThresholdMatchesScikitLearn(t *testing.T) {
	fo := loadGolden(t).FittedOffset
	// Replay scikit-learn's scores through our offset, decision and predict.
	f := &Forest{offset: percentile(fo.Scores, 100*fo.Contamination)}
	for i, s := range fo.Scores {
		d := s - f.offset
		require.Equal(t, fo.Decision[i], d)
		want := 1
		if d < 0 {
			want = -1
		}
		require.Equal(t, fo.Predict[i], want, "row %d decision %v", i, d)
	}
}

func TestDegenerateFitsScoreExactlyAsScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).Degenerate {
		t.Run(c.Name, func(t *testing.T) {
			f, err := IsolationForest{MaxSamples: c.MaxSamples, Seed: 7}.Fit(context.Background(), c.X)
			require.NoError(t, err)
			s, err := f.ScoreSamples(context.Background(), c.X)
			require.NoError(t, err)
			for i := range s {
				require.LessOrEqual(t, ulps(c.Scores[i], s[i]), uint64(2), "row %d: %v, scikit-learn %v", i, s[i], c.Scores[i])
			}
		})
	}
}
