package datasets

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const kddSample = `0,tcp,ftp_data,SF,491,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,0.00,0.00,0.00,0.00,1.00,0.00,0.00,150,25,0.17,0.03,0.17,0.00,0.00,0.00,0.05,0.00,normal,20
0,udp,other,SF,146,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,13,1,0.00,0.00,0.00,0.00,0.08,0.15,0.00,255,1,0.00,0.60,0.88,0.00,0.00,0.00,0.00,0.00,normal,15
0,tcp,private,S0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,123,6,1.00,1.00,0.00,0.00,0.05,0.07,0.00,255,26,0.10,0.05,0.00,0.00,1.00,1.00,0.00,0.00,neptune,19
`

func TestReadNSLKDD(t *testing.T) {
	recs, err := ReadNSLKDD(strings.NewReader(kddSample))
	require.NoError(t, err)
	require.Len(t, recs, 3)
	r := recs[2]
	require.Equal(t, "tcp", r.Protocol)
	require.Equal(t, "private", r.Service)
	require.Equal(t, "S0", r.Flag)
	require.Equal(t, "neptune", r.Label)
	require.Equal(t, 19, r.Difficulty)
	require.True(t, r.Attack())
	require.Equal(t, 123.0, r.Numeric[19]) // count: field 23, the 20th numeric
	require.Equal(t, []bool{false, false, true}, KDDAttacks(recs))
}

func TestKDDEncoderUsesTrainingStatisticsOnly(t *testing.T) {
	recs, err := ReadNSLKDD(strings.NewReader(kddSample))
	require.NoError(t, err)
	e := FitKDDEncoder(recs[:2])
	require.Equal(t, []string{"tcp", "udp"}, e.Protocols)
	require.Equal(t, []string{"ftp_data", "other"}, e.Services)
	require.Equal(t, []string{"SF"}, e.Flags)
	require.Equal(t, KDDNumericFeatures+5, e.Width())
	names := e.FeatureNames()
	require.Len(t, names, e.Width())
	require.Equal(t, "duration", names[0])
	require.Equal(t, "protocol_type=tcp", names[KDDNumericFeatures])
	require.Equal(t, "flag=SF", names[len(names)-1])

	x := e.Encode(recs)
	require.Len(t, x, 3)
	for _, row := range x {
		require.Len(t, row, e.Width())
	}
	// src_bytes spans 146..491 in training: 491 → 1, 146 → 0, 0 → below 0.
	require.Equal(t, 1.0, x[0][1])
	require.Equal(t, 0.0, x[1][1])
	require.InDelta(t, -146.0/345, x[2][1], 1e-12)
	// duration is constant (0) in training: encoded as 0.
	require.Equal(t, 0.0, x[2][0])
	// One-hot: tcp, ftp_data, SF for row 0; the test row's unseen service
	// "private" and flag "S0" leave their blocks at zero.
	oneHot := func(row []float64) []float64 { return row[KDDNumericFeatures:] }
	require.Equal(t, []float64{1, 0, 1, 0, 1}, oneHot(x[0]))
	require.Equal(t, []float64{0, 1, 0, 1, 1}, oneHot(x[1]))
	require.Equal(t, []float64{1, 0, 0, 0, 0}, oneHot(x[2]))
}

func TestReadNSLKDDRejectsMalformedLinesWithLineNumbers(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(kddSample), "\n")
	fields := strings.Split(lines[1], ",")
	edit := func(i int, v string) string {
		f := append([]string(nil), fields...)
		f[i] = v
		return lines[0] + "\n" + strings.Join(f, ",") + "\n" + lines[2] + "\n"
	}
	cases := map[string]struct{ in, want string }{
		"short line":          {lines[0] + "\n0,tcp,http\n", "line 2"},
		"text in a number":    {edit(4, "12x"), `line 2, field 5 (src_bytes): not a number: "12x"`},
		"NaN":                 {edit(0, "NaN"), `line 2, field 1 (duration): not finite: "NaN"`},
		"Inf":                 {edit(24, "+Inf"), "line 2, field 25 (serror_rate): not finite"},
		"empty service":       {edit(2, ""), "line 2, field 3 (service): empty category"},
		"empty label":         {edit(41, " "), "line 2, field 42 (label): empty label"},
		"difficulty range":    {edit(42, "22"), "line 2, field 43 (difficulty)"},
		"difficulty not int":  {edit(42, "1.5"), "line 2, field 43 (difficulty)"},
		"stray quote":         {edit(2, `ht"tp`), "line 2"},
		"empty input":         {"", "no records"},
		"long line at line 3": {lines[0] + "\n" + lines[1] + "\n" + lines[2] + ",extra\n", "line 3"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadNSLKDD(strings.NewReader(c.in))
			require.ErrorContains(t, err, c.want)
		})
	}
}

// The files described in nsl-kdd/PROVENANCE.md: record and label counts.
func TestNSLKDDSharedFiles(t *testing.T) {
	for _, c := range []struct {
		file           string
		normal, attack int
	}{
		{"KDDTrain+_20Percent.txt", 13449, 11743},
		{"KDDTest+.txt", 9711, 12833},
		{"KDDTest-21.txt", 2152, 9698},
	} {
		recs, err := NSLKDD(c.file)
		if errors.Is(err, ErrNoData) {
			t.Skip("no shared data directory (../shared/data or MLPREP_DATA): skipping NSL-KDD files")
		}
		require.NoError(t, err)
		attacks := 0
		for _, a := range KDDAttacks(recs) {
			if a {
				attacks++
			}
		}
		require.Equal(t, c.normal, len(recs)-attacks, c.file)
		require.Equal(t, c.attack, attacks, c.file)
		if c.file == "KDDTrain+_20Percent.txt" {
			e := FitKDDEncoder(recs)
			require.Len(t, e.Protocols, 3)
			require.Len(t, e.Flags, 11)
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, row := range e.Encode(recs) {
				lo, hi = min(lo, slices.Min(row)), max(hi, slices.Max(row))
			}
			require.Equal(t, [2]float64{0, 1}, [2]float64{lo, hi}, "training rows encode into [0, 1]")
		}
	}
}

func FuzzReadNSLKDD(f *testing.F) {
	f.Add(kddSample)
	f.Add(strings.Replace(kddSample, "491", "4e9", 1))
	f.Add("0,tcp\n")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ReadNSLKDD(strings.NewReader(in))
		if err != nil {
			require.Nil(t, recs)
			return
		}
		for _, r := range recs {
			require.NotEmpty(t, r.Label)
			for _, v := range r.Numeric {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
			}
		}
		e := FitKDDEncoder(recs)
		for _, row := range e.Encode(recs) {
			require.Len(t, row, e.Width())
		}
	})
}
