package quant

import (
	"errors"
	"math"
	"testing"
)

func TestQuantizeMatchesTorch(t *testing.T) {
	var g struct {
		Shape []int
		X     []float32
		Cases []struct {
			DType       string
			PerChannel  bool `json:"per_channel"`
			Axis        int
			Scale       []float32
			ZeroPoint   []int32 `json:"zero_point"`
			Q           []int32
			Dequantized []float32
		}
	}
	readGolden(t, "quantize.json", &g)
	for _, c := range g.Cases {
		p := QParams{DType: goldenScheme{DType: c.DType}.scheme(t).DType, Scale: c.Scale, ZeroPoint: c.ZeroPoint, PerChannel: c.PerChannel, Axis: c.Axis}
		q, err := Quantize(g.X, g.Shape, p)
		if err != nil {
			t.Fatal(err)
		}
		deq := q.Dequantize()
		for i := range c.Q {
			if q.Int(i) != c.Q[i] {
				t.Errorf("%s per-channel=%v: q[%d] = %d, torch %d (x = %v)", c.DType, c.PerChannel, i, q.Int(i), c.Q[i], g.X[i])
			}
			if !closeRel(deq[i], c.Dequantized[i], 1e-6) {
				t.Errorf("%s: dequantized[%d] = %v, torch %v", c.DType, i, deq[i], c.Dequantized[i])
			}
		}
	}
}

func TestFakeQuantizeMatchesTorch(t *testing.T) {
	var g struct {
		Shape []int
		X     []float32
		Cases []struct {
			PerChannel bool `json:"per_channel"`
			Axis       int
			QuantMin   int32 `json:"quant_min"`
			QuantMax   int32 `json:"quant_max"`
			Scale      []float32
			ZeroPoint  []int32 `json:"zero_point"`
			Y          []float32
			Grad       []float32
		}
	}
	readGolden(t, "fake_quant.json", &g)
	for _, c := range g.Cases {
		d := UInt8
		if c.QuantMin < 0 {
			d = Int8
		}
		p := QParams{DType: d, Scale: c.Scale, ZeroPoint: c.ZeroPoint, PerChannel: c.PerChannel, Axis: c.Axis}
		y := make([]float32, len(g.X))
		mask := make([]bool, len(g.X))
		if err := FakeQuantize(y, g.X, g.Shape, p, c.QuantMin, c.QuantMax, mask); err != nil {
			t.Fatal(err)
		}
		for i := range y {
			if !closeRel(y[i], c.Y[i], 1e-6) {
				t.Errorf("[%d, %d] y[%d] = %v, torch %v", c.QuantMin, c.QuantMax, i, y[i], c.Y[i])
			}
			if g := float32(0); mask[i] != (c.Grad[i] != g) {
				t.Errorf("[%d, %d] in range[%d] = %v, torch gradient %v", c.QuantMin, c.QuantMax, i, mask[i], c.Grad[i])
			}
		}
	}
}

func TestQuantizeRejectsBadInput(t *testing.T) {
	good := PerTensor(UInt8, 0.1, 3)
	for _, tc := range []struct {
		name string
		x    []float32
		p    QParams
		want error
	}{
		{"NaN", []float32{1, float32(math.NaN())}, good, ErrNonFinite},
		{"+Inf", []float32{float32(math.Inf(1)), 1}, good, ErrNonFinite},
		{"-Inf at the end", []float32{1, 2, 3, 4, 5, 6, 7, 8, float32(math.Inf(-1))}, good, ErrNonFinite},
		{"zero scale", []float32{1}, PerTensor(UInt8, 0, 3), ErrScheme},
		{"NaN scale", []float32{1}, PerTensor(UInt8, float32(math.NaN()), 3), ErrScheme},
		{"zero point out of range", []float32{1}, PerTensor(Int8, 0.1, 200), ErrScheme},
		{"scales for the wrong channel count", []float32{1, 2}, QParams{Scale: []float32{1, 1, 1}, ZeroPoint: []int32{0, 0, 0}, PerChannel: true}, ErrScheme},
		{"unknown dtype", []float32{1}, QParams{DType: 9, Scale: []float32{1}, ZeroPoint: []int32{0}}, ErrScheme},
	} {
		if _, err := Quantize(tc.x, nil, tc.p); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestQuantizeShapeMismatchPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic")
		} else if s, _ := r.(string); len(s) < 6 || s[:6] != "quant:" {
			t.Fatalf("panic %v does not start with quant:", r)
		}
	}()
	_, _ = Quantize(make([]float32, 6), []int{2, 4}, PerTensor(UInt8, 1, 0))
}
