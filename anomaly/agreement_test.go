package anomaly

import (
	"context"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// rocAUC is the Mann–Whitney form of ROC AUC (ties count half), with higher
// anomaly scores meaning positive. The eval package is not imported here:
// anomaly sits below it in the dependency graph.
func rocAUC(anomalyScore []float64, positive []bool) float64 {
	idx := make([]int, len(anomalyScore))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return anomalyScore[idx[a]] < anomalyScore[idx[b]] })
	var rankSum, nPos float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && anomalyScore[idx[j]] == anomalyScore[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // average 1-based rank of the tie group
		for _, k := range idx[i:j] {
			if positive[k] {
				rankSum += mid
				nPos++
			}
		}
		i = j
	}
	nNeg := float64(len(idx)) - nPos
	return (rankSum - nPos*(nPos+1)/2) / (nPos * nNeg)
}

func negate(s []float64) []float64 {
	out := slices.Clone(s)
	for i := range out {
		out[i] = -out[i]
	}
	return out
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// configFromParams maps the golden file's scikit-learn keyword arguments.
func configFromParams(t *testing.T, p map[string]any) IsolationForest {
	var c IsolationForest
	for k, v := range p {
		switch k {
		case "max_samples":
			if f := v.(float64); f == math.Trunc(f) && f > 1 {
				c.MaxSamples = int(f)
			} else {
				c.MaxSamplesFraction = f
			}
		case "n_estimators":
			c.Trees = int(v.(float64))
		case "bootstrap":
			c.Bootstrap = v.(bool)
		case "max_features":
			c.MaxFeatures = int(v.(float64))
		case "contamination":
			c.Contamination = v.(float64)
		default:
			t.Fatalf("unknown parameter %s", k)
		}
	}
	return c
}

// The trees are random, so agreement with scikit-learn is statistical: over
// the same 20 seeds' worth of forests, the per-point mean score, the mean
// ROC AUC, the mean offset and the flagged fraction must match scikit-learn's
// to within what two independent 20-seed averages differ by.
func TestScoresAgreeWithScikitLearnInDistribution(t *testing.T) {
	g := loadGolden(t).Agreement
	positive := make([]bool, len(g.Y))
	for i, y := range g.Y {
		positive[i] = y == 1
	}
	seeds := g.Seeds
	if testing.Short() {
		seeds = 5
	}
	for name, s := range g.Settings {
		t.Run(name, func(t *testing.T) {
			cfg := configFromParams(t, s.Params)
			meanScores := make([]float64, len(g.X))
			var aucs, offsets, flagged []float64
			for seed := range seeds {
				cfg.Seed = uint64(seed)
				f, err := cfg.Fit(context.Background(), g.X)
				require.NoError(t, err)
				sc, err := f.ScoreSamples(context.Background(), g.X)
				require.NoError(t, err)
				for i, v := range sc {
					meanScores[i] += v / float64(seeds)
				}
				aucs = append(aucs, rocAUC(negate(sc), positive))
				offsets = append(offsets, f.Offset())
				p, err := f.Predict(context.Background(), g.X)
				require.NoError(t, err)
				n := 0
				for _, v := range p {
					if v == -1 {
						n++
					}
				}
				flagged = append(flagged, float64(n)/float64(len(p)))
			}
			var absDiff, bias float64
			for i, v := range meanScores {
				absDiff += math.Abs(v-s.MeanScores[i]) / float64(len(meanScores))
				bias += (v - s.MeanScores[i]) / float64(len(meanScores))
			}
			t.Logf("AUC %.4f (scikit-learn %.4f), mean |Δscore| %.4f, bias %+.4f, offset %.4f (%.4f), flagged %.4f (%.4f)",
				mean(aucs), mean(s.AUCs), absDiff, bias, mean(offsets), mean(s.Offsets), mean(flagged), mean(s.Flagged))
			// Tolerances are for 20 seeds a side; fewer seeds (-short) average
			// less of the forest-to-forest noise away.
			noise := math.Sqrt((1/float64(seeds) + 1/float64(g.Seeds)) / (2 / float64(g.Seeds)))
			require.InDelta(t, mean(s.AUCs), mean(aucs), 0.003*noise)
			require.Less(t, absDiff, 0.004*noise)
			require.InDelta(t, mean(s.Offsets), mean(offsets), 0.004*noise)
			require.InDelta(t, mean(s.Flagged), mean(flagged), 0.01*noise)
		})
	}
}
