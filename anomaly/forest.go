package anomaly

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Forest is a fitted isolation forest: IsolationForest.Fit and
// ExtendedIsolationForest.Fit return one, ReadForest and UnmarshalBinary
// load a saved one. Its scoring methods only read the trees and are safe
// for concurrent use; set Workers before sharing it.
type Forest struct {
	// Workers bounds the goroutines ScoreSamples uses; 0 means GOMAXPROCS.
	// Scores do not depend on it. It is not saved with the model.
	Workers int

	kind          treeKind
	features      int
	maxSamples    int
	nonZero       int // coefficients per hyperplane split; 1 for axis-parallel splits
	contamination float64
	offset        float64
	trees         []isolationTree
}

// treeKind tells the saved-model decoder which tree layout follows.
type treeKind uint8

const (
	axisParallel treeKind = 1 // IsolationForest: one feature, one threshold per split
	hyperplane   treeKind = 2 // ExtendedIsolationForest: a random hyperplane per split
)

// isolationTree is one grown tree. addPathLengths adds h(x), the depth of
// the leaf x falls into plus c(leaf size), for each row of x (row-major,
// d features) to dst.
type isolationTree interface {
	addPathLengths(x []float32, d int, dst []float64)
}

// Features is the number of features the forest was fitted on.
func (f *Forest) Features() int { return f.features }

// MaxSamples is ψ, the sub-sample size each tree was grown on
// (scikit-learn's max_samples_).
func (f *Forest) MaxSamples() int { return f.maxSamples }

// Trees is the number of trees.
func (f *Forest) Trees() int { return len(f.trees) }

// Offset is scikit-learn's offset_: DecisionFunction = ScoreSamples −
// Offset. It is −0.5 for contamination 'auto', else the contamination
// percentile of the training scores.
func (f *Forest) Offset() float64 { return f.offset }

// scoreBlock is the number of rows scored together: every tree is walked
// over one block before the next tree, so the block (≈ 20 KiB at 10
// features) stays in L1 and a tree (≤ 8 KiB at ψ = 256) is reused 512 times.
const scoreBlock = 512

// ScoreSamples returns scikit-learn's score_samples: the opposite of the
// anomaly score of Liu et al., −2^(−E[h(x)]/c(ψ)), in [−1, 0). The lower,
// the more abnormal; about −0.5 is the boundary the paper suggests and
// values near −1 are clear anomalies. It returns an error for empty data,
// ragged rows, NaN or Inf, or a width other than Features.
func (f *Forest) ScoreSamples(ctx context.Context, x [][]float64) ([]float64, error) {
	if len(f.trees) == 0 {
		return nil, ErrNotFitted
	}
	if _, err := checkRows(x, f.features); err != nil {
		return nil, err
	}
	return f.scoreRows(ctx, x)
}

// scoreRows scores validated rows block by block in parallel, converting
// each block to float32 in a per-worker buffer rather than copying all of
// x. Each row's path lengths are summed over the trees in order, whichever
// worker scores it, so the result does not depend on the number of workers.
func (f *Forest) scoreRows(ctx context.Context, x [][]float64) ([]float64, error) {
	d, n := f.features, len(x)
	blocks := ceilDiv(n, scoreBlock)
	workers := workerCount(f.Workers, blocks)
	bufs := make([][]float32, workers)
	depths := make([]float64, n)
	err := parallelFor(ctx, workers, blocks, func(w, b int) {
		start, end := b*scoreBlock, min((b+1)*scoreBlock, n)
		if bufs[w] == nil {
			bufs[w] = make([]float32, scoreBlock*d)
		}
		block := bufs[w][:(end-start)*d]
		for i := start; i < end; i++ {
			fillRow(block[(i-start)*d:(i-start+1)*d], x[i])
		}
		for _, t := range f.trees {
			t.addPathLengths(block, d, depths[start:end])
		}
	})
	if err != nil {
		return nil, err
	}
	// scikit-learn divides by len(trees)·c(ψ) and, when that is 0 (ψ = 1),
	// uses 1 for the ratio: every point scores −0.5.
	denominator := float64(len(f.trees)) * AveragePathLength(f.maxSamples)
	for i, h := range depths {
		ratio := 1.0
		if denominator != 0 {
			ratio = h / denominator
		}
		depths[i] = -math.Pow(2, -ratio)
	}
	return depths, nil
}

// DecisionFunction returns ScoreSamples − Offset: negative for the points
// Predict calls anomalies.
func (f *Forest) DecisionFunction(ctx context.Context, x [][]float64) ([]float64, error) {
	s, err := f.ScoreSamples(ctx, x)
	if err != nil {
		return nil, err
	}
	for i := range s {
		s[i] -= f.offset
	}
	return s, nil
}

// Predict returns −1 for anomalies (DecisionFunction < 0) and +1 for
// inliers, as scikit-learn's predict; a decision of exactly 0 is an inlier.
func (f *Forest) Predict(ctx context.Context, x [][]float64) ([]int, error) {
	d, err := f.DecisionFunction(ctx, x)
	if err != nil {
		return nil, err
	}
	p := make([]int, len(d))
	for i, v := range d {
		p[i] = 1
		if v < 0 {
			p[i] = -1
		}
	}
	return p, nil
}

// fitPlan is what both forests share once their own options are resolved.
type fitPlan struct {
	kind          treeKind
	trees         int
	psi           int
	nonZero       int
	contamination float64
	seed          uint64
	workers       int
	// grow draws one tree's sub-sample and grows the tree, all from its own
	// random stream.
	grow func(rng *rand.Rand) isolationTree
}

// treeSeedStream separates the per-tree seed stream from other uses of Seed.
const treeSeedStream = 0x6d6c70726570 // "mlprep"

// fit grows the trees in parallel and sets the offset. Tree t always gets
// the t-th seed drawn from Seed, so the forest does not depend on how many
// workers grew it.
func fit(ctx context.Context, x [][]float64, p fitPlan) (*Forest, error) {
	master := rand.New(rand.NewPCG(p.seed, treeSeedStream))
	seeds := make([][2]uint64, p.trees)
	for i := range seeds {
		seeds[i] = [2]uint64{master.Uint64(), master.Uint64()}
	}
	f := &Forest{
		Workers:       p.workers,
		kind:          p.kind,
		features:      len(x[0]),
		maxSamples:    p.psi,
		nonZero:       p.nonZero,
		contamination: p.contamination,
		offset:        -0.5,
		trees:         make([]isolationTree, p.trees),
	}
	err := parallelFor(ctx, workerCount(p.workers, p.trees), p.trees, func(_, t int) {
		f.trees[t] = p.grow(rand.New(rand.NewPCG(seeds[t][0], seeds[t][1])))
	})
	if err != nil {
		return nil, err
	}
	if p.contamination > 0 {
		s, err := f.scoreRows(ctx, x)
		if err != nil {
			return nil, err
		}
		f.offset = percentile(s, 100*p.contamination)
	}
	return f, nil
}

// prepareFit checks the options both forests share and the data, and
// resolves ψ. It returns the number of features.
func prepareFit(x [][]float64, trees, maxSamples int, maxSamplesFraction, contamination float64) (d, psi int, err error) {
	if trees < 0 {
		return 0, 0, fmt.Errorf("%w: Trees %d < 0", ErrParam, trees)
	}
	if err := checkContamination(contamination); err != nil {
		return 0, 0, err
	}
	if d, err = checkRows(x, 0); err != nil {
		return 0, 0, err
	}
	psi, err = resolveMaxSamples(maxSamples, maxSamplesFraction, len(x))
	return d, psi, err
}

// checkContamination accepts 0 ('auto') or a fraction in (0, 0.5].
func checkContamination(c float64) error {
	if c == 0 || (c > 0 && c <= 0.5) {
		return nil
	}
	return fmt.Errorf("%w: contamination %v outside (0, 0.5] (0 means 'auto')", ErrParam, c)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
