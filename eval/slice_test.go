package eval

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var sliceMetrics = []Metric{AccuracyMetric, BalancedAccuracyMetric, MacroF1Metric, ROCAUCMetric}

func TestSliceMatchesPerGroupScikitLearn(t *testing.T) {
	g := loadGolden(t).Slices
	s := Sample{YTrue: g.Y, YPred: g.Pred, Score: g.Score}
	feature := map[string]Feature{"region": {"region", g.Region}, "device": {"device", g.Device}}
	for _, fr := range g.Frames {
		var feats []Feature
		for _, name := range fr.Features {
			feats = append(feats, feature[name])
		}
		f, err := Slice(context.Background(), s, feats, sliceMetrics, SliceOptions{PointEstimatesOnly: true})
		require.NoError(t, err)
		require.Len(t, f.Groups, len(fr.Groups))
		requireRel(t, fr.OverallAccuracy, f.Overall[0].Value, sklearnTol)
		for i, want := range fr.Groups {
			got := f.Groups[i]
			require.Equal(t, want.Values, got.Values)
			require.Equal(t, want.Size, got.Size)
			for j, v := range []float64{want.Accuracy, want.BalancedAccuracy, want.MacroF1, want.ROCAUC} {
				requireRel(t, v, got.Metrics[j].Value, sklearnTol, f.Name(got), sliceMetrics[j].Name)
			}
		}
		for j, name := range []string{"accuracy", "balanced_accuracy", "macro_f1", "roc_auc"} {
			want, m := fr.Summary[name], sliceMetrics[j].Name
			requireRel(t, want.Min, f.GroupMin(m), sklearnTol, m)
			requireRel(t, want.Max, f.GroupMax(m), sklearnTol, m)
			requireRel(t, want.Difference, f.Difference(m), sklearnTol, m)
			requireRel(t, want.Ratio, f.Ratio(m), sklearnTol, m)
		}
	}
	dpd, err := DemographicParityDifference(g.Pred, g.Region)
	require.NoError(t, err)
	requireRel(t, g.DemographicParityDifference, dpd, sklearnTol)
	eod, err := EqualizedOddsDifference(g.Y, g.Pred, g.Region)
	require.NoError(t, err)
	requireRel(t, g.EqualizedOddsDifference, eod, sklearnTol)
}

// syntheticSlices has four groups; group "d" is much worse, "c" slightly.
func syntheticSlices(n int) (Sample, Feature) {
	rng := rand.New(rand.NewPCG(7, 7))
	errRate := map[string]float64{"a": 0.1, "b": 0.1, "c": 0.14, "d": 0.4}
	names := []string{"a", "b", "c", "d"}
	s := Sample{YTrue: make([]int, n), YPred: make([]int, n)}
	f := Feature{Name: "site", Values: make([]string, n)}
	for i := range n {
		g := names[i%4]
		f.Values[i] = g
		s.YTrue[i] = rng.IntN(3)
		s.YPred[i] = s.YTrue[i]
		if rng.Float64() < errRate[g] {
			s.YPred[i] = (s.YTrue[i] + 1) % 3
		}
	}
	return s, f
}

func TestSliceFlagsTheWorseSlice(t *testing.T) {
	s, feat := syntheticSlices(800)
	f, err := Slice(context.Background(), s, []Feature{feat}, []Metric{AccuracyMetric, BalancedAccuracyMetric},
		SliceOptions{Resamples: 499, Seed: 1})
	require.NoError(t, err)
	for _, g := range f.Groups {
		for mi, e := range g.Metrics {
			require.Equal(t, g.Values[0] == "d", e.Flagged, "%s %s p=%v adj=%v", f.Name(g), f.Metrics[mi].Name, e.PValue, e.AdjustedP)
			require.GreaterOrEqual(t, e.AdjustedP, e.PValue)
			require.True(t, e.CI.Low <= e.Value && e.Value <= e.CI.High, "%s: %v not in %v", f.Name(g), e.Value, e.CI)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, f.Table(3).WriteMarkdown(&buf))
	out := buf.String()
	require.Contains(t, out, "| overall")
	require.Contains(t, out, "| site=d")
	require.Equal(t, 1+1+1+4, strings.Count(out, "\n"))
	require.Contains(t, out, "▼")
}

func TestSliceIsDeterministic(t *testing.T) {
	s, feat := syntheticSlices(200)
	o := SliceOptions{Resamples: 99, Seed: 3}
	a, err := Slice(context.Background(), s, []Feature{feat}, []Metric{AccuracyMetric}, o)
	require.NoError(t, err)
	o.Workers = 1
	b, err := Slice(context.Background(), s, []Feature{feat}, []Metric{AccuracyMetric}, o)
	require.NoError(t, err)
	require.Equal(t, a.Table(17), b.Table(17))
	for i := range a.Groups {
		require.Equal(t, a.Groups[i].Metrics[0].PValue, b.Groups[i].Metrics[0].PValue)
	}
}

// A metric undefined on a group (ROC AUC with one class) leaves that cell
// undefined rather than failing the frame.
func TestSliceUndefinedMetric(t *testing.T) {
	s := Sample{YTrue: []int{0, 0, 0, 1, 0, 1, 1, 0}, Score: []float64{0.1, 0.2, 0.3, 0.9, 0.4, 0.8, 0.3, 0.6}}
	feat := Feature{Name: "g", Values: []string{"x", "x", "x", "y", "y", "y", "y", "y"}}
	f, err := Slice(context.Background(), s, []Feature{feat}, []Metric{ROCAUCMetric}, SliceOptions{Resamples: 50})
	require.NoError(t, err)
	x := f.Groups[0].Metrics[0]
	require.False(t, x.Defined)
	require.True(t, math.IsNaN(x.Value) && math.IsNaN(x.PValue))
	require.Contains(t, x.Reason, "one class")
	require.Equal(t, "n/a", FormatEstimate(x, 3))
	require.True(t, f.Groups[1].Metrics[0].Defined)
	require.Equal(t, f.Groups[1].Metrics[0].Value, f.GroupMin("ROC AUC"))
	require.Panics(t, func() { f.GroupMin("no such metric") })
}

func TestSliceBadInput(t *testing.T) {
	s := Sample{YTrue: []int{0, 1}, YPred: []int{0, 1}}
	ctx := context.Background()
	_, err := Slice(ctx, s, []Feature{{"g", []string{"a"}}}, []Metric{AccuracyMetric}, SliceOptions{})
	require.ErrorIs(t, err, ErrLength)
	_, err = Slice(ctx, Sample{}, nil, []Metric{AccuracyMetric}, SliceOptions{})
	require.ErrorIs(t, err, ErrEmpty)
	_, err = Slice(ctx, Sample{YTrue: []int{1}, YPred: []int{1, 0}}, nil, []Metric{AccuracyMetric}, SliceOptions{})
	require.ErrorIs(t, err, ErrLength)
	_, err = Slice(ctx, s, nil, nil, SliceOptions{})
	require.ErrorIs(t, err, ErrArgument)
	_, err = Slice(ctx, s, nil, []Metric{AccuracyMetric}, SliceOptions{Alpha: 2})
	require.ErrorIs(t, err, ErrArgument)
	_, err = DemographicParityDifference([]int{0, 2}, []string{"a", "b"})
	require.ErrorIs(t, err, ErrLabel)
	_, err = EqualizedOddsDifference([]int{0, 0, 1}, []int{0, 1, 1}, []string{"a", "a", "b"})
	require.ErrorIs(t, err, ErrOneClass)
	_, err = EqualizedOddsDifference([]int{0}, []int{0, 1}, []string{"a", "b"})
	require.ErrorIs(t, err, ErrLength)
}

func TestTableWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	tab := Table{Header: []string{"model", "accuracy", "note"}, Rows: [][]string{{"a|b", "0.9", "ok"}, {"long name"}}}
	require.NoError(t, tab.WriteMarkdown(&buf))
	require.Equal(t, "| model     | accuracy | note |\n"+
		"| --------- | -------: | ---- |\n"+
		"| a\\|b      |      0.9 | ok   |\n"+
		"| long name |          |      |\n", buf.String())
}

func TestSliceWithoutFeaturesHasOnlyOverall(t *testing.T) {
	s, _ := syntheticSlices(40)
	f, err := Slice(context.Background(), s, nil, []Metric{AccuracyMetric}, SliceOptions{Resamples: 20})
	require.NoError(t, err)
	require.Empty(t, f.Groups)
	require.True(t, f.Overall[0].Defined)
	require.Len(t, f.Table(3).Rows, 1)
}
