package eval

import (
	"fmt"
	"math"
)

// Accuracy is the fraction of predictions equal to the true label
// (scikit-learn's accuracy_score). It returns ErrLength or ErrEmpty.
func Accuracy(yTrue, yPred []int) (float64, error) {
	if err := checkPair(yTrue, yPred); err != nil {
		return 0, err
	}
	var hits float64
	for i, t := range yTrue {
		if t == yPred[i] {
			hits++
		}
	}
	return hits / float64(len(yTrue)), nil
}

// BalancedAccuracy is the mean recall over the classes present in yTrue
// (scikit-learn's balanced_accuracy_score, adjusted=False): accuracy that a
// majority-class guesser cannot inflate. Classes that occur only in yPred
// are left out of the mean, as scikit-learn does (with a warning).
func BalancedAccuracy(yTrue, yPred []int) (float64, error) {
	cm, err := ConfusionMatrix(yTrue, yPred, nil)
	if err != nil {
		return 0, err
	}
	var sum, classes float64
	for i, row := range cm.Counts {
		total := 0
		for _, c := range row {
			total += c
		}
		if total > 0 {
			sum += float64(row[i]) / float64(total)
			classes++
		}
	}
	return sum / classes, nil
}

// MCC is the Matthews correlation coefficient in its multiclass form
// (Gorodkin 2004; scikit-learn's matthews_corrcoef): the correlation between
// true and predicted one-hot labels, in [-1, 1], 0 for chance. With C the
// confusion matrix, t and p its row and column sums, c its trace and s the
// sample count,
//
//	MCC = (c·s − t·p) / √((s² − p·p)(s² − t·t)),
//
// defined as 0 when either factor under the root is 0 (a constant
// prediction or a single true class), as scikit-learn does.
func MCC(yTrue, yPred []int) (float64, error) {
	cm, err := ConfusionMatrix(yTrue, yPred, nil)
	if err != nil {
		return 0, err
	}
	k := len(cm.Labels)
	t := make([]float64, k)
	p := make([]float64, k)
	var correct, s float64
	for i, row := range cm.Counts {
		for j, c := range row {
			t[i] += float64(c)
			p[j] += float64(c)
			s += float64(c)
		}
		correct += float64(row[i])
	}
	var tp, pp, tt float64
	for i := range k {
		tp += t[i] * p[i]
		pp += p[i] * p[i]
		tt += t[i] * t[i]
	}
	covTP := correct*s - tp
	covPP := s*s - pp
	covTT := s*s - tt
	if covPP*covTT == 0 {
		return 0, nil
	}
	return covTP / math.Sqrt(covTT*covPP), nil
}

// checkProba validates an n×k matrix of probabilities against n labels.
func checkProba(yTrue []int, proba [][]float64) (width int, err error) {
	if len(yTrue) != len(proba) {
		return 0, fmt.Errorf("%w: %d labels, %d probability rows", ErrLength, len(yTrue), len(proba))
	}
	if len(yTrue) == 0 {
		return 0, ErrEmpty
	}
	width = len(proba[0])
	for i, row := range proba {
		if len(row) != width {
			return 0, fmt.Errorf("%w: probability row %d has %d columns, row 0 has %d", ErrLength, i, len(row), width)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%w: proba[%d][%d] = %v", ErrNaN, i, j, v)
			}
		}
	}
	return width, nil
}
