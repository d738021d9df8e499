package quant

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// goldenScheme is a scheme as scripts/golden/quant.py writes it.
type goldenScheme struct {
	DType       string   `json:"dtype"`
	Symmetric   bool     `json:"symmetric"`
	ReduceRange bool     `json:"reduce_range"`
	QuantMin    *int32   `json:"quant_min"`
	QuantMax    *int32   `json:"quant_max"`
	Eps         *float32 `json:"eps"`
}

func (g goldenScheme) scheme(t *testing.T) Scheme {
	t.Helper()
	s := Scheme{Symmetric: g.Symmetric, ReduceRange: g.ReduceRange}
	switch g.DType {
	case "quint8":
		s.DType = UInt8
	case "qint8":
		s.DType = Int8
	default:
		t.Fatalf("unknown dtype %q", g.DType)
	}
	if g.QuantMin != nil {
		s.QuantMin, s.QuantMax = *g.QuantMin, *g.QuantMax
	}
	if g.Eps != nil {
		s.Eps = *g.Eps
	}
	return s
}

func readGolden(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/golden/quant.py)", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// closeRel reports whether got is within tol of want, relative to |want|
// (absolute below 1).
func closeRel(got, want float32, tol float64) bool {
	return math.Abs(float64(got)-float64(want)) <= tol*math.Max(1, math.Abs(float64(want)))
}

func checkParams(t *testing.T, what string, p QParams, scale []float32, zp []int32) {
	t.Helper()
	if len(p.Scale) != len(scale) {
		t.Fatalf("%s: %d scales, want %d", what, len(p.Scale), len(scale))
	}
	for c := range scale {
		if math.Abs(float64(p.Scale[c])-float64(scale[c])) > 1e-6*float64(scale[c]) || p.ZeroPoint[c] != zp[c] {
			t.Errorf("%s: channel %d: scale %g zero point %d, torch %g %d", what, c, p.Scale[c], p.ZeroPoint[c], scale[c], zp[c])
		}
	}
}

func TestMinMaxQParamsMatchTorch(t *testing.T) {
	var g struct {
		Cases []struct {
			Name     string
			Data     []float32
			Min, Max float32
			Results  []struct {
				Scheme    goldenScheme
				Scale     float32
				ZeroPoint int32 `json:"zero_point"`
			}
		}
	}
	readGolden(t, "qparams.json", &g)
	n := 0
	for _, c := range g.Cases {
		for _, r := range c.Results {
			s := r.Scheme.scheme(t)
			o := &MinMax{Scheme: s}
			if err := o.Observe(c.Data); err != nil {
				t.Fatal(err)
			}
			lo, hi := o.Range()
			if lo[0] != c.Min || hi[0] != c.Max {
				t.Errorf("%s: range [%v, %v], torch [%v, %v]", c.Name, lo[0], hi[0], c.Min, c.Max)
			}
			p, err := o.QParams()
			if err != nil {
				t.Fatalf("%s %+v: %v", c.Name, s, err)
			}
			checkParams(t, c.Name+" "+schemeName(s), p, []float32{r.Scale}, []int32{r.ZeroPoint})
			n++
		}
	}
	t.Logf("%d observer/scheme cases", n)
}

func schemeName(s Scheme) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// observerRun is a golden file of batches observed by one observer per case.
type observerRun struct {
	Shape   []int
	Batches [][]float32
	Cases   []observerCase
}

type observerCase struct {
	Scheme     goldenScheme
	Averaging  float32
	Percentile float64
	PerChannel bool `json:"per_channel"`
	Axis       int
	Min, Max   []float32
	Scale      []float32
	ZeroPoint  []int32 `json:"zero_point"`
}

// rangeObserver is an Observer that reports its range.
type rangeObserver interface {
	Observer
	Range() (lo, hi []float32)
}

// checkObserverRun feeds each case's observer the batches and compares its
// range (to tol relative) and parameters with the reference's.
func checkObserverRun(t *testing.T, file string, newObserver func(c observerCase, s Scheme) rangeObserver, tol float64) {
	var g observerRun
	readGolden(t, file, &g)
	for _, c := range g.Cases {
		o := newObserver(c, c.Scheme.scheme(t))
		for _, b := range g.Batches {
			if err := o.Observe(b, g.Shape...); err != nil {
				t.Fatal(err)
			}
		}
		lo, hi := o.Range()
		for i := range c.Min {
			if !closeRel(lo[i], c.Min[i], tol) || !closeRel(hi[i], c.Max[i], tol) {
				t.Errorf("%s %+v channel %d: range [%v, %v], reference [%v, %v]", file, c, i, lo[i], hi[i], c.Min[i], c.Max[i])
			}
		}
		p, err := o.QParams()
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Min) > 1 && (!p.PerChannel || p.Axis != c.Axis) {
			t.Errorf("%s: params %+v not per-channel on axis %d", file, p, c.Axis)
		}
		checkParams(t, file, p, c.Scale, c.ZeroPoint)
	}
}

func TestPerChannelMinMaxMatchesTorch(t *testing.T) {
	checkObserverRun(t, "per_channel.json", func(c observerCase, s Scheme) rangeObserver {
		return &MinMax{Scheme: s, PerChannel: true, Axis: c.Axis}
	}, 0)
}

func TestMovingAverageMatchesTorch(t *testing.T) {
	checkObserverRun(t, "moving_average.json", func(c observerCase, s Scheme) rangeObserver {
		return &MovingAverageMinMax{Scheme: s, Averaging: c.Averaging, PerChannel: c.PerChannel, Axis: c.Axis}
	}, 1e-6)
}

func TestPercentileMatchesNumpy(t *testing.T) {
	checkObserverRun(t, "percentile.json", func(c observerCase, s Scheme) rangeObserver {
		return &Percentile{Scheme: s, P: c.Percentile, PerChannel: c.PerChannel, Axis: c.Axis}
	}, 0)
}

// histogramResult is torch's search result for one scheme.
type histogramResult struct {
	Scheme    goldenScheme
	NewMin    float32 `json:"new_min"`
	NewMax    float32 `json:"new_max"`
	Scale     float32
	ZeroPoint int32 `json:"zero_point"`
}

func checkHistogramSearch(t *testing.T, name string, o *Histogram, r histogramResult) {
	t.Helper()
	lo, hi := o.Range()
	if !closeRel(lo[0], r.NewMin, 1e-6) || !closeRel(hi[0], r.NewMax, 1e-6) {
		t.Errorf("%s: range [%v, %v], torch [%v, %v]", name, lo[0], hi[0], r.NewMin, r.NewMax)
	}
	p, err := o.QParams()
	if err != nil {
		t.Fatal(err)
	}
	checkParams(t, name, p, []float32{r.Scale}, []int32{r.ZeroPoint})
}

func TestHistogramSearchMatchesTorch(t *testing.T) {
	var g struct {
		Search []struct {
			Name      string
			Histogram []float32
			Min, Max  float32
			Results   []histogramResult
		}
		Forward []struct {
			Name      string
			Batches   [][]float32
			Min, Max  float32
			Histogram []float32
			Results   []histogramResult
		}
	}
	readGolden(t, "histogram.json", &g)
	for _, c := range g.Search {
		for _, r := range c.Results {
			o := &Histogram{Scheme: r.Scheme.scheme(t), hist: c.Histogram, lo: c.Min, hi: c.Max}
			checkHistogramSearch(t, "search "+c.Name, o, r)
		}
	}
	for _, c := range g.Forward {
		for _, r := range c.Results {
			o := &Histogram{Scheme: r.Scheme.scheme(t)}
			for _, b := range c.Batches {
				if err := o.Observe(b); err != nil {
					t.Fatal(err)
				}
			}
			lo, hi, hist := o.Observed()
			if lo != c.Min || hi != c.Max {
				t.Errorf("%s: observed [%v, %v], torch [%v, %v]", c.Name, lo, hi, c.Min, c.Max)
			}
			var diff, total float64
			for i := range hist {
				diff += math.Abs(float64(hist[i] - c.Histogram[i]))
				total += float64(c.Histogram[i])
			}
			if diff > 1e-5*total {
				t.Errorf("%s: histogram differs from torch's by %g of %g counts", c.Name, diff, total)
			}
			checkHistogramSearch(t, c.Name, o, r)
		}
	}
}
