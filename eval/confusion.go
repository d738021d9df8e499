package eval

import (
	"fmt"
	"slices"
)

// Confusion is a confusion matrix: Counts[i][j] is the number of samples whose
// true label is Labels[i] and whose predicted label is Labels[j] (rows true,
// columns predicted, as in scikit-learn). For binary labels [0 1] the cells
// are [[TN FP] [FN TP]].
type Confusion struct {
	Labels []int
	Counts [][]int
}

// ConfusionMatrix is scikit-learn's confusion_matrix. With labels nil the
// rows and columns are the sorted union of the labels in yTrue and yPred;
// otherwise they are labels in the order given, samples whose true or
// predicted label is not in labels are left out, and at least one of labels
// must occur in yTrue. It returns ErrLength, ErrEmpty, or ErrArgument for
// empty or repeated labels.
func ConfusionMatrix(yTrue, yPred, labels []int) (Confusion, error) {
	if err := checkPair(yTrue, yPred); err != nil {
		return Confusion{}, err
	}
	if labels == nil {
		labels = unionLabels(yTrue, yPred)
	} else if err := checkLabelsArg(labels, yTrue); err != nil {
		return Confusion{}, err
	}
	index := labelIndex(labels)
	c := Confusion{Labels: slices.Clone(labels), Counts: make([][]int, len(labels))}
	for i := range c.Counts {
		c.Counts[i] = make([]int, len(labels))
	}
	for k, t := range yTrue {
		i, okT := index[t]
		j, okP := index[yPred[k]]
		if okT && okP {
			c.Counts[i][j]++
		}
	}
	return c, nil
}

// checkPair validates parallel label slices.
func checkPair(yTrue, yPred []int) error {
	if len(yTrue) != len(yPred) {
		return fmt.Errorf("%w: %d true labels, %d predictions", ErrLength, len(yTrue), len(yPred))
	}
	if len(yTrue) == 0 {
		return ErrEmpty
	}
	return nil
}

// checkLabelsArg applies scikit-learn's rules for an explicit labels
// argument: non-empty, no repeats, at least one label present in yTrue.
func checkLabelsArg(labels, yTrue []int) error {
	if len(labels) == 0 {
		return fmt.Errorf("%w: labels is empty", ErrArgument)
	}
	index := labelIndex(labels)
	if len(index) != len(labels) {
		return fmt.Errorf("%w: labels %v has repeats", ErrArgument, labels)
	}
	for _, t := range yTrue {
		if _, ok := index[t]; ok {
			return nil
		}
	}
	return fmt.Errorf("%w: none of labels %v occurs in y_true", ErrLabel, labels)
}

// unionLabels returns the sorted distinct labels of all the slices.
func unionLabels(ys ...[]int) []int {
	var all []int
	for _, y := range ys {
		all = append(all, y...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

func labelIndex(labels []int) map[int]int {
	index := make(map[int]int, len(labels))
	for i, l := range labels {
		index[l] = i
	}
	return index
}
