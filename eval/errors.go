package eval

import (
	"errors"
	"fmt"
	"math"
)

// Errors returned for input a metric cannot be computed on. They are wrapped
// with details (which argument, which index), so test for them with errors.Is.
var (
	// ErrEmpty: no samples.
	ErrEmpty = errors.New("eval: empty input")
	// ErrLength: arguments that must be parallel have different lengths.
	ErrLength = errors.New("eval: mismatched lengths")
	// ErrNaN: a score or probability is NaN or infinite.
	ErrNaN = errors.New("eval: NaN or infinite value")
	// ErrLabel: a label is outside the allowed set (0/1 for binary metrics,
	// the labels argument for multiclass ones).
	ErrLabel = errors.New("eval: invalid label")
	// ErrOneClass: the metric needs both classes in y_true and only one is
	// present (ROC AUC, FPR) or the positive class is absent (recall, average
	// precision).
	ErrOneClass = errors.New("eval: undefined with one class in y_true")
	// ErrArgument: an option or argument is out of range (K, a rate, a bin count).
	ErrArgument = errors.New("eval: invalid argument")
)

// checkBinary validates binary labels against scores and counts the classes.
func checkBinary(yTrue []int, score []float64) (pos, neg int, err error) {
	if len(yTrue) != len(score) {
		return 0, 0, fmt.Errorf("%w: %d labels, %d scores", ErrLength, len(yTrue), len(score))
	}
	if len(yTrue) == 0 {
		return 0, 0, ErrEmpty
	}
	for i, y := range yTrue {
		switch y {
		case 0:
			neg++
		case 1:
			pos++
		default:
			return 0, 0, fmt.Errorf("%w: y_true[%d] = %d, binary labels are 0 and 1", ErrLabel, i, y)
		}
		if s := score[i]; math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, 0, fmt.Errorf("%w: score[%d] = %v", ErrNaN, i, s)
		}
	}
	return pos, neg, nil
}
