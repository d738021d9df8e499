package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTestsRejectBadInput(t *testing.T) {
	nan := []float64{1, math.NaN(), 3}
	cases := []struct {
		name string
		err  func() error
		want error
	}{
		{"one-sample empty", func() error { _, err := OneSampleTTest(nil, 0, Options{}); return err }, ErrEmpty},
		{"one-sample single value", func() error { _, err := OneSampleTTest([]float64{1}, 0, Options{}); return err }, ErrEmpty},
		{"one-sample NaN", func() error { _, err := OneSampleTTest(nan, 0, Options{}); return err }, ErrNaN},
		{"one-sample Inf", func() error {
			_, err := OneSampleTTest([]float64{1, math.Inf(1)}, 0, Options{})
			return err
		}, ErrNaN},
		{"paired lengths", func() error { _, err := PairedTTest([]float64{1, 2, 3}, []float64{1, 2}, Options{}); return err }, ErrLength},
		{"welch NaN", func() error { _, err := WelchTTest([]float64{1, 2}, nan, Options{}); return err }, ErrNaN},
		{"student empty", func() error { _, err := StudentTTest(nil, []float64{1, 2}, Options{}); return err }, ErrEmpty},
		{"confidence", func() error {
			_, err := OneSampleTTest([]float64{1, 2}, 0, Options{Confidence: 1})
			return err
		}, ErrArgument},
		{"alternative", func() error {
			_, err := OneSampleTTest([]float64{1, 2}, 0, Options{Alternative: 5})
			return err
		}, ErrArgument},
		{"mann-whitney empty", func() error { _, err := MannWhitneyU(nil, []float64{1}, MannWhitneyOptions{}); return err }, ErrEmpty},
		{"mann-whitney NaN", func() error { _, err := MannWhitneyU(nan, []float64{1}, MannWhitneyOptions{}); return err }, ErrNaN},
		{"mann-whitney method", func() error {
			_, err := MannWhitneyU([]float64{1}, []float64{2}, MannWhitneyOptions{Method: 4})
			return err
		}, ErrArgument},
		{"wilcoxon lengths", func() error { _, err := Wilcoxon([]float64{1, 2}, []float64{1}, WilcoxonOptions{}); return err }, ErrLength},
		{"wilcoxon all zero", func() error {
			_, err := Wilcoxon([]float64{1, 2, 3}, []float64{1, 2, 3}, WilcoxonOptions{})
			return err
		}, ErrArgument},
		{"wilcoxon empty", func() error { _, err := Wilcoxon(nil, nil, WilcoxonOptions{}); return err }, ErrEmpty},
		{"mcnemar negative", func() error { _, err := McNemar([2][2]int{{1, -1}, {2, 3}}, McNemarExact); return err }, ErrArgument},
		{"chi-square ragged", func() error {
			_, err := ChiSquareIndependence([][]float64{{1, 2}, {3}}, true)
			return err
		}, ErrLength},
		{"chi-square empty column", func() error {
			_, err := ChiSquareIndependence([][]float64{{1, 0}, {3, 0}}, true)
			return err
		}, ErrArgument},
		{"chi-square empty", func() error { _, err := ChiSquareIndependence(nil, true); return err }, ErrEmpty},
		{"pearson one point", func() error { _, err := Pearson([]float64{1}, []float64{2}, Options{}); return err }, ErrEmpty},
		{"spearman lengths", func() error { _, err := Spearman([]float64{1, 2, 3}, []float64{1, 2}, TwoSided); return err }, ErrLength},
		{"adjust NaN", func() error { _, err := AdjustPValues([]float64{0.1, math.NaN()}, Holm); return err }, ErrNaN},
		{"adjust range", func() error { _, err := AdjustPValues([]float64{0.1, 1.2}, Holm); return err }, ErrArgument},
		{"cv52 NaN", func() error { _, err := CV52TTest([5][2]float64{{math.NaN()}}, TwoSided); return err }, ErrNaN},
		{"cv52 folds", func() error { _, err := CV52Folds(1, 0); return err }, ErrEmpty},
		{"power alpha", func() error { _, err := TTestPower(0.5, 10, 10, 0, TwoSided); return err }, ErrArgument},
		{"power n", func() error { _, err := TTestPower(0.5, 1, 10, 0.05, TwoSided); return err }, ErrArgument},
		{"sample size unreachable", func() error { _, err := TTestSampleSize(0, 0.05, 0.8, TwoSided); return err }, ErrArgument},
		{"cohen d empty", func() error { _, err := CohensD(nil, []float64{1, 2}); return err }, ErrEmpty},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.ErrorIs(t, c.err(), c.want) })
	}
}

// Zero variance and constant input make a statistic 0/0: the Result says so
// instead of returning a number SciPy's rounding happens to produce.
func TestUndefinedResults(t *testing.T) {
	constant := []float64{0.1, 0.1, 0.1, 0.1}
	other := []float64{1, 2, 3, 4}
	results := map[string]func() (Result, error){
		"one-sample":  func() (Result, error) { return OneSampleTTest(constant, 0, Options{}) },
		"paired":      func() (Result, error) { return PairedTTest(other, other, Options{}) },
		"student":     func() (Result, error) { return StudentTTest(constant, constant, Options{}) },
		"pearson":     func() (Result, error) { return Pearson(constant, other, Options{}) },
		"spearman":    func() (Result, error) { return Spearman(other, constant, TwoSided) },
		"mcnemar chi": func() (Result, error) { return McNemar([2][2]int{{5, 0}, {0, 5}}, McNemarChiSquare) },
		"cv52": func() (Result, error) {
			return CV52TTest([5][2]float64{{1, 1}, {2, 2}, {1, 1}, {0, 0}, {3, 3}}, TwoSided)
		},
	}
	for name, f := range results {
		t.Run(name, func(t *testing.T) {
			r, err := f()
			require.NoError(t, err)
			require.False(t, r.Defined)
			require.NotEmpty(t, r.Reason)
			require.True(t, math.IsNaN(r.Statistic) && math.IsNaN(r.PValue))
		})
	}
	// Welch with one constant sample is still defined.
	r, err := WelchTTest(constant, other, Options{})
	require.NoError(t, err)
	require.True(t, r.Defined)
	// No discordant pairs: the exact McNemar test cannot reject.
	r, err = McNemar([2][2]int{{5, 0}, {0, 5}}, McNemarExact)
	require.NoError(t, err)
	require.Equal(t, 1.0, r.PValue)
}
