package eval

import (
	"fmt"
	"slices"
)

// Average says how per-class precision, recall and F1 combine into one
// number, as scikit-learn's average argument.
type Average int

const (
	// Binary reports the positive class 1 only; the labels must be binary.
	// It is the zero value, as average="binary" is scikit-learn's default.
	Binary Average = iota
	// Micro pools true positives, predictions and true labels over the
	// classes before dividing: for single-label multiclass data micro
	// precision, recall and F1 all equal accuracy (over the labels kept).
	Micro
	// Macro is the unweighted mean over classes: every class counts the same,
	// so rare classes weigh as much as common ones.
	Macro
	// Weighted is the mean over classes weighted by support (true count).
	Weighted
)

func (a Average) String() string {
	switch a {
	case Binary:
		return "binary"
	case Micro:
		return "micro"
	case Macro:
		return "macro"
	case Weighted:
		return "weighted"
	}
	return fmt.Sprintf("Average(%d)", int(a))
}

// PRFOptions configures PrecisionRecallF1 and PerClassPRF. The zero value is
// scikit-learn's default: binary average of class 1, all labels, 0 for an
// undefined ratio.
type PRFOptions struct {
	Average Average
	// Labels restricts and orders the classes (scikit-learn's labels
	// argument): classes outside it are ignored by the averages, and classes
	// in it that never occur score ZeroDivision. Nil means the sorted union of
	// the labels in yTrue and yPred. Ignored by Binary.
	Labels []int
	// ZeroDivision is the value a ratio takes when its denominator is zero:
	// precision with no predictions of a class, recall with no true samples
	// of it. scikit-learn's default ("warn") uses 0; 1 is its other choice.
	ZeroDivision float64
}

// PRF is a precision, recall and F1 triple.
type PRF struct {
	Precision, Recall, F1 float64
}

// ClassPRF is one class's scores and its support (number of true samples).
type ClassPRF struct {
	Label int
	PRF
	Support int
}

// PrecisionRecallF1 is scikit-learn's precision_recall_fscore_support with
// beta = 1: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic
// mean 2PR/(P+R) (0 when P+R = 0), averaged as o.Average says. Binary returns
// ErrLabel when the labels are not binary or when 1 is absent but two other
// labels are present.
func PrecisionRecallF1(yTrue, yPred []int, o PRFOptions) (PRF, error) {
	labels, err := prfLabels(yTrue, yPred, o)
	if err != nil {
		return PRF{}, err
	}
	tp, pred, truth := classCounts(yTrue, yPred, labels)
	if o.Average == Micro {
		tp, pred, truth = []float64{sum(tp)}, []float64{sum(pred)}, []float64{sum(truth)}
	}
	scores := perClassScores(tp, pred, truth, o.ZeroDivision)
	if o.Average != Weighted {
		return meanPRF(scores, nil), nil
	}
	if sum(truth) == 0 {
		// No true samples of any kept class: scikit-learn's special case.
		if sum(pred) == 0 {
			z := o.ZeroDivision
			return PRF{z, z, z}, nil
		}
		return PRF{0, o.ZeroDivision, 0}, nil
	}
	return meanPRF(scores, truth), nil
}

// PerClassPRF returns each class's precision, recall, F1 and support
// (scikit-learn's precision_recall_fscore_support with average=None), for
// o.Labels or, when nil, the sorted union of the labels present. o.Average
// is ignored.
func PerClassPRF(yTrue, yPred []int, o PRFOptions) ([]ClassPRF, error) {
	o.Average = Macro
	labels, err := prfLabels(yTrue, yPred, o)
	if err != nil {
		return nil, err
	}
	tp, pred, truth := classCounts(yTrue, yPred, labels)
	scores := perClassScores(tp, pred, truth, o.ZeroDivision)
	out := make([]ClassPRF, len(labels))
	for i, l := range labels {
		out[i] = ClassPRF{Label: l, PRF: scores[i], Support: int(truth[i])}
	}
	return out, nil
}

// prfLabels applies scikit-learn's _check_set_wise_labels.
func prfLabels(yTrue, yPred []int, o PRFOptions) ([]int, error) {
	if err := checkPair(yTrue, yPred); err != nil {
		return nil, err
	}
	present := unionLabels(yTrue, yPred)
	switch o.Average {
	case Binary:
		if len(present) > 2 {
			return nil, fmt.Errorf("%w: %d classes %v with a binary average", ErrLabel, len(present), present)
		}
		if !slices.Contains(present, 1) && len(present) == 2 {
			return nil, fmt.Errorf("%w: positive label 1 is not one of %v", ErrLabel, present)
		}
		return []int{1}, nil
	case Micro, Macro, Weighted:
	default:
		return nil, fmt.Errorf("%w: average %v", ErrArgument, o.Average)
	}
	if o.Labels == nil {
		return present, nil
	}
	if len(o.Labels) == 0 {
		return nil, fmt.Errorf("%w: labels is empty", ErrArgument)
	}
	return o.Labels, nil
}

// classCounts returns, for each label, the true positives, the predictions
// and the true samples of that class.
func classCounts(yTrue, yPred, labels []int) (tp, pred, truth []float64) {
	index := labelIndex(labels)
	tp = make([]float64, len(labels))
	pred = make([]float64, len(labels))
	truth = make([]float64, len(labels))
	for i, t := range yTrue {
		p := yPred[i]
		if j, ok := index[t]; ok {
			truth[j]++
			if t == p {
				tp[j]++
			}
		}
		if j, ok := index[p]; ok {
			pred[j]++
		}
	}
	return tp, pred, truth
}

// perClassScores divides the counts, substituting zeroDiv for 0/0 ratios
// before F1 is formed, as scikit-learn's _prf_divide does.
func perClassScores(tp, pred, truth []float64, zeroDiv float64) []PRF {
	out := make([]PRF, len(tp))
	for i := range tp {
		p := ratio(tp[i], pred[i], zeroDiv)
		r := ratio(tp[i], truth[i], zeroDiv)
		var f float64
		if p+r != 0 {
			f = 2 * p * r / (p + r)
		}
		out[i] = PRF{p, r, f}
	}
	return out
}

func ratio(num, den, zeroDiv float64) float64 {
	if den == 0 {
		return zeroDiv
	}
	return num / den
}

// meanPRF is NumPy's average over classes, weighted when w is non-nil.
func meanPRF(s []PRF, w []float64) PRF {
	var out PRF
	var total float64
	for i, c := range s {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		out.Precision += wi * c.Precision
		out.Recall += wi * c.Recall
		out.F1 += wi * c.F1
		total += wi
	}
	out.Precision /= total
	out.Recall /= total
	out.F1 /= total
	return out
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
