package anomaly

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// autoMaxSamples is the sub-sample size of max_samples='auto': the paper
// found 256 enough for a wide range of data, and smaller samples isolate
// anomalies better (less swamping and masking).
const autoMaxSamples = 256

// resolveMaxSamples turns the MaxSamples options into ψ for n rows, as
// scikit-learn does: 'auto' → min(256, n), a count above n → n, a fraction
// → int(fraction·n), which must leave at least one sample.
func resolveMaxSamples(count int, fraction float64, n int) (int, error) {
	switch {
	case count < 0:
		return 0, fmt.Errorf("%w: MaxSamples %d < 0", ErrParam, count)
	case fraction != 0 && count != 0:
		return 0, fmt.Errorf("%w: set MaxSamples or MaxSamplesFraction, not both", ErrParam)
	case fraction != 0:
		if !(fraction > 0 && fraction <= 1) {
			return 0, fmt.Errorf("%w: MaxSamplesFraction %v outside (0, 1]", ErrParam, fraction)
		}
		psi := int(fraction * float64(n))
		if psi < 1 {
			return 0, fmt.Errorf("%w: MaxSamplesFraction %v of %d rows leaves no sample", ErrParam, fraction, n)
		}
		return psi, nil
	case count > 0:
		return min(count, n), nil
	}
	return min(autoMaxSamples, n), nil
}

// resolveMaxFeatures turns the MaxFeatures options into a feature count for
// d features: 0 → d, a count (at most d), or max(1, int(fraction·d)).
func resolveMaxFeatures(count int, fraction float64, d int) (int, error) {
	switch {
	case count < 0 || count > d:
		return 0, fmt.Errorf("%w: MaxFeatures %d outside [1, %d features]", ErrParam, count, d)
	case fraction != 0 && count != 0:
		return 0, fmt.Errorf("%w: set MaxFeatures or MaxFeaturesFraction, not both", ErrParam)
	case fraction != 0:
		if !(fraction > 0 && fraction <= 1) {
			return 0, fmt.Errorf("%w: MaxFeaturesFraction %v outside (0, 1]", ErrParam, fraction)
		}
		return max(1, int(fraction*float64(d))), nil
	case count > 0:
		return count, nil
	}
	return d, nil
}

// drawRows returns the rows one tree is grown on: psi of n drawn without
// replacement, or with replacement when bootstrap is set. Duplicates are
// kept once: scikit-learn passes a bootstrap sample as per-row weights, and
// its trees count (and split on) the distinct rows of positive weight.
func drawRows(rng *rand.Rand, n, psi int, bootstrap bool) []int {
	if bootstrap {
		rows := make([]int, psi)
		for i := range rows {
			rows[i] = rng.IntN(n)
		}
		slices.Sort(rows)
		return slices.Compact(rows)
	}
	if psi*4 >= n {
		return rng.Perm(n)[:psi]
	}
	// Floyd's algorithm: psi draws, no O(n) permutation for a small sample.
	seen := make(map[int]struct{}, psi)
	rows := make([]int, 0, psi)
	for j := n - psi; j < n; j++ {
		t := rng.IntN(j + 1)
		if _, dup := seen[t]; dup {
			t = j
		}
		seen[t] = struct{}{}
		rows = append(rows, t)
	}
	return rows
}

// drawFeatures returns k of d feature indices without replacement (all of
// them, in order, when k == d).
func drawFeatures(rng *rand.Rand, d, k int) []int {
	if k == d {
		f := make([]int, d)
		for i := range f {
			f[i] = i
		}
		return f
	}
	return rng.Perm(d)[:k]
}
