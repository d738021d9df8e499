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

func TestPerChannelMinMaxMatchesTorch(t *testing.T) {
	var g struct {
		Shape   []int
		Batches [][]float32
		Cases   []struct {
			Scheme    goldenScheme
			Axis      int
			Min, Max  []float32
			Scale     []float32
			ZeroPoint []int32 `json:"zero_point"`
		}
	}
	readGolden(t, "per_channel.json", &g)
	for _, c := range g.Cases {
		o := &MinMax{Scheme: c.Scheme.scheme(t), PerChannel: true, Axis: c.Axis}
		for _, b := range g.Batches {
			if err := o.Observe(b, g.Shape...); err != nil {
				t.Fatal(err)
			}
		}
		lo, hi := o.Range()
		for i := range c.Min {
			if lo[i] != c.Min[i] || hi[i] != c.Max[i] {
				t.Errorf("axis %d channel %d: range [%v, %v], torch [%v, %v]", c.Axis, i, lo[i], hi[i], c.Min[i], c.Max[i])
			}
		}
		p, err := o.QParams()
		if err != nil {
			t.Fatal(err)
		}
		if !p.PerChannel || p.Axis != c.Axis {
			t.Errorf("params %+v not per-channel on axis %d", p, c.Axis)
		}
		checkParams(t, schemeName(o.Scheme), p, c.Scale, c.ZeroPoint)
	}
}

func TestMovingAverageMatchesTorch(t *testing.T) {
	var g struct {
		Shape   []int
		Batches [][]float32
		Cases   []struct {
			Averaging  float32
			Scheme     goldenScheme
			PerChannel bool `json:"per_channel"`
			Axis       int
			Min, Max   []float32
			Scale      []float32
			ZeroPoint  []int32 `json:"zero_point"`
		}
	}
	readGolden(t, "moving_average.json", &g)
	for _, c := range g.Cases {
		o := &MovingAverageMinMax{Scheme: c.Scheme.scheme(t), Averaging: c.Averaging, PerChannel: c.PerChannel, Axis: c.Axis}
		for _, b := range g.Batches {
			if err := o.Observe(b, g.Shape...); err != nil {
				t.Fatal(err)
			}
		}
		lo, hi := o.Range()
		for i := range c.Min {
			if !closeRel(lo[i], c.Min[i], 1e-6) || !closeRel(hi[i], c.Max[i], 1e-6) {
				t.Errorf("c=%v channel %d: range [%v, %v], torch [%v, %v]", c.Averaging, i, lo[i], hi[i], c.Min[i], c.Max[i])
			}
		}
		p, err := o.QParams()
		if err != nil {
			t.Fatal(err)
		}
		checkParams(t, "moving average", p, c.Scale, c.ZeroPoint)
	}
}

func TestPercentileMatchesNumpy(t *testing.T) {
	var g struct {
		Shape   []int
		Batches [][]float32
		Cases   []struct {
			Percentile float64
			Scheme     goldenScheme
			PerChannel bool `json:"per_channel"`
			Axis       int
			Min, Max   []float32
			Scale      []float32
			ZeroPoint  []int32 `json:"zero_point"`
		}
	}
	readGolden(t, "percentile.json", &g)
	for _, c := range g.Cases {
		o := &Percentile{Scheme: c.Scheme.scheme(t), P: c.Percentile, PerChannel: c.PerChannel, Axis: c.Axis}
		for _, b := range g.Batches {
			if err := o.Observe(b, g.Shape...); err != nil {
				t.Fatal(err)
			}
		}
		lo, hi := o.Range()
		for i := range c.Min {
			if lo[i] != c.Min[i] || hi[i] != c.Max[i] {
				t.Errorf("p=%v channel %d: range [%v, %v], numpy [%v, %v]", c.Percentile, i, lo[i], hi[i], c.Min[i], c.Max[i])
			}
		}
		p, err := o.QParams()
		if err != nil {
			t.Fatal(err)
		}
		checkParams(t, "percentile", p, c.Scale, c.ZeroPoint)
	}
}

func TestHistogramSearchMatchesTorch(t *testing.T) {
	var g struct {
		Search []struct {
			Name      string
			Histogram []float32
			Min, Max  float32
			Results   []struct {
				Scheme    goldenScheme
				NewMin    float32 `json:"new_min"`
				NewMax    float32 `json:"new_max"`
				Scale     float32
				ZeroPoint int32 `json:"zero_point"`
			}
		}
		Forward []struct {
			Name      string
			Batches   [][]float32
			Min, Max  float32
			Histogram []float32
			Results   []struct {
				Scheme    goldenScheme
				NewMin    float32 `json:"new_min"`
				NewMax    float32 `json:"new_max"`
				Scale     float32
				ZeroPoint int32 `json:"zero_point"`
			}
		}
	}
	readGolden(t, "histogram.json", &g)
	for _, c := range g.Search {
		for _, r := range c.Results {
			o := &Histogram{Scheme: r.Scheme.scheme(t), hist: c.Histogram, lo: c.Min, hi: c.Max}
			lo, hi := o.Range()
			if !closeRel(lo[0], r.NewMin, 1e-6) || !closeRel(hi[0], r.NewMax, 1e-6) {
				t.Errorf("search %s: range [%v, %v], torch [%v, %v]", c.Name, lo[0], hi[0], r.NewMin, r.NewMax)
			}
			p, err := o.QParams()
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, "search "+c.Name, p, []float32{r.Scale}, []int32{r.ZeroPoint})
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
			l, h := o.Range()
			if !closeRel(l[0], r.NewMin, 1e-6) || !closeRel(h[0], r.NewMax, 1e-6) {
				t.Errorf("%s: range [%v, %v], torch [%v, %v]", c.Name, l[0], h[0], r.NewMin, r.NewMax)
			}
			p, err := o.QParams()
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, c.Name, p, []float32{r.Scale}, []int32{r.ZeroPoint})
		}
	}
}
