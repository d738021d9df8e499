package anomaly

import (
	"cmp"
	"context"
	"math/rand/v2"
)

// IsolationForest configures an Isolation Forest (Liu, Ting & Zhou 2008)
// with scikit-learn's semantics. The zero value is scikit-learn's default
// IsolationForest(): 100 trees, max_samples='auto', all features, no
// bootstrap, contamination='auto'. A configuration is a plain value: Fit
// does not modify it and may be called concurrently.
type IsolationForest struct {
	// Trees is the number of isolation trees (n_estimators); 0 means 100.
	Trees int
	// MaxSamples is ψ, the sub-sample size each tree is grown on: 0 means
	// 'auto', min(256, n); a count above the number of rows n is cut to n.
	MaxSamples int
	// MaxSamplesFraction, when set, makes ψ = int(fraction·n) instead; it
	// must be in (0, 1] and excludes MaxSamples.
	MaxSamplesFraction float64
	// MaxFeatures is the number of features each tree sees, drawn without
	// replacement per tree; 0 means all.
	MaxFeatures int
	// MaxFeaturesFraction, when set, gives each tree max(1, int(fraction·d))
	// of the d features; in (0, 1], excludes MaxFeatures.
	MaxFeaturesFraction float64
	// Bootstrap draws each tree's sub-sample with replacement.
	Bootstrap bool
	// Contamination is the expected fraction of anomalies in the training
	// data, in (0, 0.5]: the offset becomes that percentile of the training
	// scores, so Predict flags that fraction of them. 0 means 'auto': offset
	// −0.5, the paper's threshold s = 0.5.
	Contamination float64
	// Seed seeds the random trees: equal seeds and data give equal forests,
	// whatever Workers is.
	Seed uint64
	// Workers bounds the goroutines of Fit, and of the returned Forest's
	// scoring; 0 means GOMAXPROCS.
	Workers int
}

// defaultTrees is scikit-learn's n_estimators default: path lengths
// converge well before 100 trees in the paper's experiments.
const defaultTrees = 100

// Fit grows the forest on x (one row per sample, labels never needed). It
// returns an error wrapping ErrEmpty, ErrRagged or ErrNonFinite for bad data
// and ErrParam for options out of range, and ctx's error if cancelled.
func (c IsolationForest) Fit(ctx context.Context, x [][]float64) (*Forest, error) {
	d, psi, err := prepareFit(x, c.Trees, c.MaxSamples, c.MaxSamplesFraction, c.Contamination)
	if err != nil {
		return nil, err
	}
	k, err := resolveMaxFeatures(c.MaxFeatures, c.MaxFeaturesFraction, d)
	if err != nil {
		return nil, err
	}
	height := heightLimit(psi)
	return fit(ctx, x, fitPlan{
		kind:          axisParallel,
		trees:         cmp.Or(c.Trees, defaultTrees),
		psi:           psi,
		nonZero:       1,
		contamination: c.Contamination,
		seed:          c.Seed,
		workers:       c.Workers,
		grow: func(rng *rand.Rand) isolationTree {
			features := drawFeatures(rng, d, k)
			rows := drawRows(rng, len(x), psi, c.Bootstrap)
			return growAxisTree(rng, gather(x, rows), features, height)
		},
	})
}
