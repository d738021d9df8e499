package anomaly

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
)

// ExtendedIsolationForest configures an Extended Isolation Forest (Hariri,
// Carrasco Kind & Brunner 2021): every split is a random hyperplane instead
// of an axis-parallel cut, which removes the rectangular "ghost" regions of
// low score that axis-parallel splits leave around dense clusters. The zero
// value grows 100 fully extended trees on 'auto' sub-samples with
// contamination 'auto'. Features should be on comparable scales: a
// hyperplane mixes them.
type ExtendedIsolationForest struct {
	// Trees is the number of trees; 0 means 100.
	Trees int
	// MaxSamples is ψ, the sub-sample size per tree: 0 means min(256, n); a
	// count above n is cut to n.
	MaxSamples int
	// NonZero is the number of non-zero coordinates of each split's normal
	// vector, the paper's extension level plus one: 0 means all d features
	// (the fully extended forest, extension level d−1); 1 gives
	// axis-parallel cuts, distributed as IsolationForest's.
	NonZero int
	// Contamination is as in IsolationForest: 0 for 'auto' (offset −0.5),
	// else a fraction in (0, 0.5].
	Contamination float64
	// Seed seeds the random trees; results do not depend on Workers.
	Seed uint64
	// Workers bounds the goroutines of Fit and of the returned Forest's
	// scoring; 0 means GOMAXPROCS.
	Workers int
}

// Fit grows the extended forest on x. Errors are those of
// IsolationForest.Fit, plus ErrParam for NonZero outside [0, d].
func (c ExtendedIsolationForest) Fit(ctx context.Context, x [][]float64) (*Forest, error) {
	d, psi, err := prepareFit(x, c.Trees, c.MaxSamples, 0, c.Contamination)
	if err != nil {
		return nil, err
	}
	if c.NonZero < 0 || c.NonZero > d {
		return nil, fmt.Errorf("%w: NonZero %d outside [0, %d features]", ErrParam, c.NonZero, d)
	}
	k := cmp.Or(c.NonZero, d)
	height := heightLimit(psi)
	return fit(ctx, x, fitPlan{
		kind:          hyperplane,
		trees:         cmp.Or(c.Trees, defaultTrees),
		psi:           psi,
		nonZero:       k,
		contamination: c.Contamination,
		seed:          c.Seed,
		workers:       c.Workers,
		grow: func(rng *rand.Rand) isolationTree {
			return growHyperTree(rng, gather(x, drawRows(rng, len(x), psi, false)), k, height)
		},
	})
}
