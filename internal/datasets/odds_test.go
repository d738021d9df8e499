package datasets

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const oddsSample = "label,v1,v2\nnominal,0.5,1\nanomaly,-3,2e3\nnominal,0,0\n"

func TestReadODDS(t *testing.T) {
	o, err := ReadODDS(strings.NewReader(oddsSample))
	require.NoError(t, err)
	require.Equal(t, []string{"v1", "v2"}, o.Features)
	require.Equal(t, [][]float64{{0.5, 1}, {-3, 2000}, {0, 0}}, o.X)
	require.Equal(t, []bool{false, true, false}, o.Anomaly)
	require.Equal(t, 1, o.Anomalies())
}

func TestReadNumericCSVAndLabels(t *testing.T) {
	x, err := ReadNumericCSV(strings.NewReader("0.09531,7.096,5.7964\r\n-2.3026,6.8866,5.7994\n"))
	require.NoError(t, err)
	require.Equal(t, [][]float64{{0.09531, 7.096, 5.7964}, {-2.3026, 6.8866, 5.7994}}, x)
	y, err := ReadBinaryLabels(strings.NewReader("0\n1\n0\n"))
	require.NoError(t, err)
	require.Equal(t, []bool{false, true, false}, y)
}

func TestOutlierReadersRejectMalformedLinesWithLineNumbers(t *testing.T) {
	cases := []struct {
		name string
		read func(string) error
		in   string
		want string
	}{
		{"odds bad label", readODDSErr, "label,v1\nnominal,1\noutlier,2\n", `line 3, field 1 (label): want nominal or anomaly, got "outlier"`},
		{"odds ragged", readODDSErr, "label,v1,v2\nnominal,1,2\nanomaly,1\n", "line 3"},
		{"odds NaN", readODDSErr, "label,v1,v2\nnominal,1,nan\n", `line 2, field 3 (v2): not finite: "nan"`},
		{"odds text", readODDSErr, "label,v1\nnominal,1\nnominal,1\nnominal,x\n", `line 4, field 2 (v1): not a number: "x"`},
		{"odds no header", readODDSErr, "nominal,1,2\n", "line 1: header"},
		{"odds header only", readODDSErr, "label,v1\n", "no records"},
		{"odds empty", readODDSErr, "", "empty file"},
		{"numeric ragged", readNumericErr, "1,2\n3\n", "line 2"},
		{"numeric inf", readNumericErr, "1,2\n3,-Inf\n", `line 2, field 2 (v2): not finite`},
		{"numeric empty", readNumericErr, "", "no records"},
		{"labels two", readLabelsErr, "0\n1\n2\n", `line 3, field 1 (label): want 0 or 1, got "2"`},
		{"labels two fields", readLabelsErr, "0\n1,1\n", "line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorContains(t, c.read(c.in), c.want)
		})
	}
}

func readODDSErr(s string) error    { _, err := ReadODDS(strings.NewReader(s)); return err }
func readNumericErr(s string) error { _, err := ReadNumericCSV(strings.NewReader(s)); return err }
func readLabelsErr(s string) error  { _, err := ReadBinaryLabels(strings.NewReader(s)); return err }

// The sets described in odds/PROVENANCE.md: rows, features, anomalies.
func TestODDSSharedFiles(t *testing.T) {
	names, err := ODDSSets()
	if errors.Is(err, ErrNoData) {
		t.Skip("no shared data directory (../shared/data or MLPREP_DATA): skipping ODDS files")
	}
	require.NoError(t, err)
	want := map[string][3]int{
		"annthyroid": {7200, 6, 534}, "breastw": {683, 9, 239}, "cardio": {1831, 21, 176},
		"ionosphere": {351, 33, 126}, "mammography": {11183, 6, 260}, "pima": {768, 8, 268},
		"satellite": {6435, 36, 2036}, "shuttle": {12345, 9, 867}, "smtp": {95156, 3, 30},
		"thyroid": {3772, 6, 93},
	}
	require.ElementsMatch(t, names, slices.Collect(maps.Keys(want)))
	for _, name := range names {
		o, err := ODDS(name)
		require.NoError(t, err, name)
		require.Equal(t, want[name], [3]int{len(o.X), len(o.Features), o.Anomalies()}, name)
		require.Equal(t, name, o.Name)
	}
}

func FuzzReadODDS(f *testing.F) {
	f.Add(oddsSample)
	f.Add("label,v1\nanomaly,\"1\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ReadODDS(strings.NewReader(in))
		if err != nil {
			require.Nil(t, o)
			return
		}
		require.Len(t, o.Anomaly, len(o.X))
		for _, row := range o.X {
			require.Len(t, row, len(o.Features))
			for _, v := range row {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
			}
		}
	})
}

func FuzzReadNumericCSV(f *testing.F) {
	f.Add("1,2\n3,4\n")
	f.Add("0\n1\n")
	f.Fuzz(func(t *testing.T, in string) {
		if x, err := ReadNumericCSV(strings.NewReader(in)); err == nil {
			for _, row := range x {
				require.Len(t, row, len(x[0]))
			}
		}
		if y, err := ReadBinaryLabels(strings.NewReader(in)); err == nil {
			require.NotEmpty(t, y)
		}
	})
}
