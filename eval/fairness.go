package eval

import (
	"fmt"
	"maps"
	"slices"
)

// rates holds one group's counts for a binary classifier.
type rates struct{ n, selected, pos, tp, neg, fp float64 }

// groupRates validates binary labels and counts selections, true positives
// and false positives per group.
func groupRates(yTrue, yPred []int, groups []string) (map[string]*rates, error) {
	if len(yPred) != len(groups) || (yTrue != nil && len(yTrue) != len(yPred)) {
		return nil, fmt.Errorf("%w: %d predictions, %d labels, %d group values", ErrLength, len(yPred), len(yTrue), len(groups))
	}
	if len(yPred) == 0 {
		return nil, ErrEmpty
	}
	out := map[string]*rates{}
	for i, p := range yPred {
		if p != 0 && p != 1 {
			return nil, fmt.Errorf("%w: y_pred[%d] = %d, binary predictions are 0 and 1", ErrLabel, i, p)
		}
		r, ok := out[groups[i]]
		if !ok {
			r = &rates{}
			out[groups[i]] = r
		}
		r.n++
		r.selected += float64(p)
		if yTrue == nil {
			continue
		}
		switch yTrue[i] {
		case 1:
			r.pos++
			r.tp += float64(p)
		case 0:
			r.neg++
			r.fp += float64(p)
		default:
			return nil, fmt.Errorf("%w: y_true[%d] = %d, binary labels are 0 and 1", ErrLabel, i, yTrue[i])
		}
	}
	return out, nil
}

// spread is max − min of f over the groups.
func spread(g map[string]*rates, f func(*rates) float64) float64 {
	v := make([]float64, 0, len(g))
	for _, k := range slices.Sorted(maps.Keys(g)) {
		v = append(v, f(g[k]))
	}
	return slices.Max(v) - slices.Min(v)
}

// DemographicParityDifference is the largest gap in selection rate (the
// fraction predicted 1) between groups — Fairlearn's
// demographic_parity_difference: 0 when every group is selected at the same
// rate. Parity ignores the labels, so a perfect classifier violates it
// whenever base rates differ between groups.
func DemographicParityDifference(yPred []int, groups []string) (float64, error) {
	g, err := groupRates(nil, yPred, groups)
	if err != nil {
		return 0, err
	}
	return spread(g, func(r *rates) float64 { return r.selected / r.n }), nil
}

// EqualizedOddsDifference is the larger of the between-group gaps in true-
// positive rate and in false-positive rate — Fairlearn's
// equalized_odds_difference (Hardt, Price & Srebro 2016): 0 when errors of
// both kinds fall equally on every group. A group without positives or
// without negatives has an undefined rate: ErrOneClass.
func EqualizedOddsDifference(yTrue, yPred []int, groups []string) (float64, error) {
	g, err := groupRates(yTrue, yPred, groups)
	if err != nil {
		return 0, err
	}
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if g[k].pos == 0 || g[k].neg == 0 {
			return 0, fmt.Errorf("%w: group %q has %v positives and %v negatives", ErrOneClass, k, g[k].pos, g[k].neg)
		}
	}
	tpr := spread(g, func(r *rates) float64 { return r.tp / r.pos })
	fpr := spread(g, func(r *rates) float64 { return r.fp / r.neg })
	return max(tpr, fpr), nil
}
