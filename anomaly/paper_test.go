package anomaly

import (
	"errors"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/stretchr/testify/require"
)

// Liu, Ting & Zhou (2008), Table 3: iForest's AUC with the default 100
// trees and ψ = 256, fitted and scored on the whole set. (The shared
// shuttle file is a subsample of unknown origin and is left out.)
var paperAUC = map[string]float64{
	"breastw": 0.99, "ionosphere": 0.85, "mammography": 0.86, "annthyroid": 0.82,
	"pima": 0.67, "satellite": 0.71, "smtp": 0.88,
}

func TestPaperAUCOnOutlierSets(t *testing.T) {
	seeds := 3
	if testing.Short() {
		seeds = 1
	}
	for name, want := range paperAUC {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && name == "smtp" {
				t.Skip("-short: smtp has 95,156 rows")
			}
			o, err := datasets.ODDS(name)
			if errors.Is(err, datasets.ErrNoData) {
				t.Skip("no shared data directory (../shared/data or MLPREP_DATA): skipping the paper's ODDS sets")
			}
			require.NoError(t, err)
			var aucs []float64
			for s := range seeds {
				f, err := IsolationForest{Seed: uint64(s)}.Fit(ctx, o.X)
				require.NoError(t, err)
				sc, err := f.ScoreSamples(ctx, o.X)
				require.NoError(t, err)
				aucs = append(aucs, rocAUC(negate(sc), o.Anomaly))
			}
			t.Logf("%s: AUC %.3f (paper %.2f)", name, mean(aucs), want)
			// scikit-learn lands within 0.025 of the table here; one or three
			// seeds of either implementation spread by about as much again.
			require.InDelta(t, want, mean(aucs), 0.04)
		})
	}
}

// NSL-KDD has no published Isolation Forest figure for this split; the
// reference is scikit-learn 1.2 on the same preprocessing, measured by
// scripts/bench/anomaly.sh: 0.869 ± 0.016 over 20 seeds.
func TestNSLKDDMatchesScikitLearnLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: NSL-KDD (25k × 118, several forests) runs in the full test and scripts/bench/anomaly.sh")
	}
	train, err := datasets.NSLKDD("KDDTrain+_20Percent.txt")
	if errors.Is(err, datasets.ErrNoData) {
		t.Skip("no shared data directory (../shared/data or MLPREP_DATA): skipping NSL-KDD")
	}
	require.NoError(t, err)
	test, err := datasets.NSLKDD("KDDTest+.txt")
	require.NoError(t, err)
	enc := datasets.FitKDDEncoder(train)
	xtr, xte, attack := enc.Encode(train), enc.Encode(test), datasets.KDDAttacks(test)
	const seeds = 5
	var aucs []float64
	for s := range seeds {
		f, err := IsolationForest{Seed: uint64(s)}.Fit(ctx, xtr)
		require.NoError(t, err)
		sc, err := f.ScoreSamples(ctx, xte)
		require.NoError(t, err)
		aucs = append(aucs, rocAUC(negate(sc), attack))
	}
	t.Logf("NSL-KDD KDDTest+ AUC %.4f over %d seeds (scikit-learn 0.869)", mean(aucs), seeds)
	require.InDelta(t, 0.869, mean(aucs), 0.03)
}
