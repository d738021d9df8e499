package eval

import (
	"fmt"
	"math"
	"slices"
)

// LogLoss is the mean negative log-likelihood of the true labels under the
// predicted class probabilities (cross-entropy; scikit-learn's log_loss).
// proba has one row per sample and one column per class in the order of
// labels, or of the sorted labels of yTrue when labels is nil; for two
// classes a single column may hold the probability of the larger label.
// Probabilities are clipped to [ε, 1−ε] with ε the float64 machine epsilon
// and each row renormalised, as scikit-learn does, so a confident mistake
// costs −log ε ≈ 36 instead of +Inf. It returns ErrLabel when fewer than two
// classes are known or yTrue has a label outside labels, and ErrLength when
// the columns do not match the classes.
func LogLoss(yTrue []int, proba [][]float64, labels []int) (float64, error) {
	width, err := checkProba(yTrue, proba)
	if err != nil {
		return 0, err
	}
	classes, err := probaClasses(yTrue, labels)
	if err != nil {
		return 0, err
	}
	if len(classes) < 2 {
		return 0, fmt.Errorf("%w: log loss needs at least two classes, got %v; pass labels", ErrLabel, classes)
	}
	if width != len(classes) && !(width == 1 && len(classes) == 2) {
		return 0, fmt.Errorf("%w: %d probability columns for %d classes %v", ErrLength, width, len(classes), classes)
	}
	const eps = 0x1p-52
	index := labelIndex(classes)
	row := make([]float64, len(classes))
	var total float64
	for i, y := range yTrue {
		if width == 1 {
			p := min(max(proba[i][0], eps), 1-eps)
			row[0], row[1] = 1-p, p
		} else {
			for j, v := range proba[i] {
				row[j] = min(max(v, eps), 1-eps)
			}
		}
		var s float64
		for _, v := range row {
			s += v
		}
		total -= math.Log(row[index[y]] / s)
	}
	return total / float64(len(yTrue)), nil
}

// probaClasses returns the class order of a probability matrix: labels when
// given (checked to hold every true label), else the sorted labels of yTrue.
func probaClasses(yTrue, labels []int) ([]int, error) {
	if labels == nil {
		return unionLabels(yTrue), nil
	}
	sorted := unionLabels(labels)
	if len(sorted) != len(labels) {
		return nil, fmt.Errorf("%w: labels %v has repeats", ErrArgument, labels)
	}
	for i, y := range yTrue {
		if _, found := slices.BinarySearch(sorted, y); !found {
			return nil, fmt.Errorf("%w: y_true[%d] = %d is not in labels %v", ErrLabel, i, y, labels)
		}
	}
	return sorted, nil
}

// BrierScore is the mean squared difference between the predicted
// probability of class 1 and the 0/1 outcome (scikit-learn's
// brier_score_loss): 0 is perfect, 0.25 is what a constant 0.5 earns. Unlike
// AUC it rewards calibration as well as ranking. It returns ErrArgument for a
// probability outside [0, 1].
func BrierScore(yTrue []int, prob []float64) (float64, error) {
	if err := checkProbabilities(yTrue, prob); err != nil {
		return 0, err
	}
	var s float64
	for i, y := range yTrue {
		d := float64(y) - prob[i]
		s += d * d
	}
	return s / float64(len(yTrue)), nil
}

func checkProbabilities(yTrue []int, prob []float64) error {
	if _, _, err := checkBinary(yTrue, prob); err != nil {
		return err
	}
	for i, p := range prob {
		if p < 0 || p > 1 {
			return fmt.Errorf("%w: probability[%d] = %v is outside [0, 1]", ErrArgument, i, p)
		}
	}
	return nil
}

// ROCAUCOvR is the one-vs-rest multiclass ROC AUC (scikit-learn's
// roc_auc_score with multi_class="ovr"): each class's probability column is
// scored as a binary problem against all other classes and the AUCs are
// averaged — Macro (unweighted), Weighted (by class support) or Micro (one
// AUC over all the binarised cells). proba's columns follow labels, or the
// sorted labels of yTrue when labels is nil, and each row must sum to 1
// within NumPy's allclose tolerance (ErrArgument otherwise). A class absent
// from yTrue makes its AUC undefined: ErrOneClass.
func ROCAUCOvR(yTrue []int, proba [][]float64, labels []int, avg Average) (float64, error) {
	width, err := checkProba(yTrue, proba)
	if err != nil {
		return 0, err
	}
	for i, row := range proba {
		var s float64
		for _, v := range row {
			s += v
		}
		if math.Abs(1-s) > 1e-8+1e-5*math.Abs(s) {
			return 0, fmt.Errorf("%w: probability row %d sums to %v, not 1", ErrArgument, i, s)
		}
	}
	classes, err := probaClasses(yTrue, labels)
	if err != nil {
		return 0, err
	}
	if width != len(classes) {
		return 0, fmt.Errorf("%w: %d probability columns for %d classes %v", ErrLength, width, len(classes), classes)
	}
	bin := make([]int, len(yTrue))
	col := make([]float64, len(yTrue))
	if avg == Micro {
		bin = make([]int, 0, len(yTrue)*width)
		col = make([]float64, 0, len(yTrue)*width)
		for i, y := range yTrue {
			for j, c := range classes {
				bin = append(bin, b2i(y == c))
				col = append(col, proba[i][j])
			}
		}
		return ROCAUC(bin, col)
	}
	if avg != Macro && avg != Weighted {
		return 0, fmt.Errorf("%w: average %v for one-vs-rest AUC", ErrArgument, avg)
	}
	var total, weights float64
	for j, c := range classes {
		var support float64
		for i, y := range yTrue {
			bin[i] = b2i(y == c)
			col[i] = proba[i][j]
			support += float64(bin[i])
		}
		auc, err := ROCAUC(bin, col)
		if err != nil {
			return 0, fmt.Errorf("class %d: %w", c, err)
		}
		w := 1.0
		if avg == Weighted {
			w = support
		}
		total += w * auc
		weights += w
	}
	return total / weights, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
