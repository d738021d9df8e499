package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBadInputReturnsErrors(t *testing.T) {
	cases := []struct {
		name  string
		y     []int
		score []float64
		want  error
	}{
		{"empty", nil, nil, ErrEmpty},
		{"lengths", []int{0, 1}, []float64{0.5}, ErrLength},
		{"nan", []int{0, 1}, []float64{0.5, math.NaN()}, ErrNaN},
		{"inf", []int{0, 1}, []float64{math.Inf(-1), 1}, ErrNaN},
		{"label", []int{0, 2}, []float64{0.5, 0.6}, ErrLabel},
		{"one class", []int{1, 1}, []float64{0.5, 0.6}, ErrOneClass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ROCAUC(c.y, c.score)
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestRankingArgumentErrors(t *testing.T) {
	r, err := NewRanking([]int{0, 1, 0}, []float64{0.1, 0.9, 0.4})
	require.NoError(t, err)
	for _, k := range []int{0, -1, 4} {
		_, err := r.PrecisionAtK(k)
		require.ErrorIs(t, err, ErrArgument, "K=%d", k)
		_, err = r.RecallAtK(k)
		require.ErrorIs(t, err, ErrArgument, "K=%d", k)
	}
	for _, a := range []float64{-0.1, 1.5, math.NaN()} {
		_, err := r.RecallAtFPR(a)
		require.ErrorIs(t, err, ErrArgument, "maxFPR=%v", a)
	}
	neg, err := NewRanking([]int{0, 0}, []float64{0.1, 0.2})
	require.NoError(t, err)
	_, err = neg.RecallAtK(1)
	require.ErrorIs(t, err, ErrOneClass)
	_, err = neg.RecallAtFPR(0.1)
	require.ErrorIs(t, err, ErrOneClass)
	p, err := neg.PrecisionAtK(2)
	require.NoError(t, err)
	require.Zero(t, p)
}

func TestConfusionMatrixLabels(t *testing.T) {
	yTrue := []int{2, 0, 2, 2, 0, 1}
	yPred := []int{0, 0, 2, 2, 0, 2}
	// scikit-learn's docstring example.
	cm, err := ConfusionMatrix(yTrue, yPred, nil)
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 2}, cm.Labels)
	require.Equal(t, [][]int{{2, 0, 0}, {0, 0, 1}, {1, 0, 2}}, cm.Counts)
	// Labels reorder and filter: samples with label 1 drop out.
	cm, err = ConfusionMatrix(yTrue, yPred, []int{2, 0})
	require.NoError(t, err)
	require.Equal(t, [][]int{{2, 1}, {0, 2}}, cm.Counts)
	// A label absent from the data gives an empty row and column.
	cm, err = ConfusionMatrix(yTrue, yPred, []int{0, 7})
	require.NoError(t, err)
	require.Equal(t, [][]int{{2, 0}, {0, 0}}, cm.Counts)

	_, err = ConfusionMatrix(yTrue, yPred, []int{5})
	require.ErrorIs(t, err, ErrLabel)
	_, err = ConfusionMatrix(yTrue, yPred, []int{})
	require.ErrorIs(t, err, ErrArgument)
	_, err = ConfusionMatrix(yTrue, yPred, []int{0, 0})
	require.ErrorIs(t, err, ErrArgument)
	_, err = ConfusionMatrix(yTrue, yPred[:2], nil)
	require.ErrorIs(t, err, ErrLength)
	_, err = ConfusionMatrix(nil, nil, nil)
	require.ErrorIs(t, err, ErrEmpty)
}

func TestClassificationBadInput(t *testing.T) {
	three := []int{0, 1, 2}
	cases := []struct {
		name string
		err  func() error
		want error
	}{
		{"binary average on three classes", func() error {
			_, err := PrecisionRecallF1(three, three, PRFOptions{})
			return err
		}, ErrLabel},
		{"binary average without label 1", func() error {
			_, err := PrecisionRecallF1([]int{2, 5}, []int{5, 5}, PRFOptions{})
			return err
		}, ErrLabel},
		{"unknown average", func() error {
			_, err := PrecisionRecallF1(three, three, PRFOptions{Average: 9})
			return err
		}, ErrArgument},
		{"empty labels", func() error {
			_, err := PerClassPRF(three, three, PRFOptions{Labels: []int{}})
			return err
		}, ErrArgument},
		{"prf lengths", func() error {
			_, err := PrecisionRecallF1(three, three[:2], PRFOptions{Average: Macro})
			return err
		}, ErrLength},
		{"accuracy empty", func() error { _, err := Accuracy(nil, nil); return err }, ErrEmpty},
		{"mcc lengths", func() error { _, err := MCC(three, nil); return err }, ErrLength},
		{"balanced accuracy empty", func() error { _, err := BalancedAccuracy(nil, nil); return err }, ErrEmpty},
		{"log loss one class", func() error {
			_, err := LogLoss([]int{1, 1}, [][]float64{{0.2, 0.8}, {0.3, 0.7}}, nil)
			return err
		}, ErrLabel},
		{"log loss columns", func() error {
			_, err := LogLoss(three, [][]float64{{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}}, nil)
			return err
		}, ErrLength},
		{"log loss ragged", func() error {
			_, err := LogLoss([]int{0, 1}, [][]float64{{0.5, 0.5}, {1}}, nil)
			return err
		}, ErrLength},
		{"log loss label outside labels", func() error {
			_, err := LogLoss([]int{0, 3}, [][]float64{{0.5, 0.5}, {0.5, 0.5}}, []int{0, 1})
			return err
		}, ErrLabel},
		{"log loss NaN", func() error {
			_, err := LogLoss([]int{0, 1}, [][]float64{{0.5, 0.5}, {math.NaN(), 0.5}}, nil)
			return err
		}, ErrNaN},
		{"ovr rows not probabilities", func() error {
			_, err := ROCAUCOvR(three, [][]float64{{0.5, 0.5, 0.5}, {0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}}, nil, Macro)
			return err
		}, ErrArgument},
		{"ovr class absent from y_true", func() error {
			_, err := ROCAUCOvR([]int{0, 2, 0}, [][]float64{{0.5, 0.2, 0.3}, {0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}}, []int{0, 1, 2}, Macro)
			return err
		}, ErrOneClass},
		{"ovr binary average", func() error {
			_, err := ROCAUCOvR(three, [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, nil, Binary)
			return err
		}, ErrArgument},
		{"brier probability above 1", func() error { _, err := BrierScore([]int{0, 1}, []float64{0.5, 1.5}); return err }, ErrArgument},
		{"brier label", func() error { _, err := BrierScore([]int{0, 2}, []float64{0.5, 0.5}); return err }, ErrLabel},
		{"calibration bins", func() error {
			_, err := CalibrationCurve([]int{0, 1}, []float64{0.5, 0.5}, CalibrationOptions{Bins: -1})
			return err
		}, ErrArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.ErrorIs(t, c.err(), c.want) })
	}
}

func TestMCCDegenerateIsZero(t *testing.T) {
	// A constant prediction has no variance: scikit-learn defines MCC as 0.
	m, err := MCC([]int{0, 1, 1, 0}, []int{1, 1, 1, 1})
	require.NoError(t, err)
	require.Zero(t, m)
}
