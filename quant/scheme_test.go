package quant

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSchemeRejectsImpossibleRanges(t *testing.T) {
	for _, s := range []Scheme{
		{DType: UInt8, QuantMin: 1, QuantMax: 15},          // 0 not in range
		{DType: Int8, QuantMin: -200, QuantMax: 10},        // outside int8
		{DType: UInt8, QuantMin: 0, QuantMax: 256},         // outside uint8
		{DType: Int8, QuantMin: -5, QuantMax: -1},          // 0 not in range
		{DType: UInt8, Symmetric: true, ReduceRange: true}, // torch: NotImplementedError
		{DType: 7},
	} {
		if _, _, err := s.Range(); !errors.Is(err, ErrScheme) {
			t.Errorf("%+v: Range error %v", s, err)
		}
		if _, _, err := s.Params(-1, 1); !errors.Is(err, ErrScheme) {
			t.Errorf("%+v: Params error %v", s, err)
		}
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, tc := range []struct {
		lo, hi float32
		want   error
	}{
		{inf, -inf, ErrNoData},
		{nan, 1, ErrNonFinite},
		{-inf, 1, ErrNonFinite},
		{2, 1, ErrScheme},
	} {
		if _, _, err := (Scheme{}).Params(tc.lo, tc.hi); !errors.Is(err, tc.want) {
			t.Errorf("Params(%v, %v): %v, want %v", tc.lo, tc.hi, err, tc.want)
		}
	}
}

func TestObserversRejectBadBatches(t *testing.T) {
	nan := float32(math.NaN())
	for name, newObs := range map[string]func() Observer{
		"minmax":         func() Observer { return &MinMax{} },
		"moving average": func() Observer { return &MovingAverageMinMax{} },
		"percentile":     func() Observer { return &Percentile{} },
		"histogram":      func() Observer { return &Histogram{} },
	} {
		o := newObs()
		if _, err := o.QParams(); !errors.Is(err, ErrNoData) {
			t.Errorf("%s before data: %v", name, err)
		}
		if err := o.Observe(nil); err != nil {
			t.Errorf("%s: empty batch: %v", name, err)
		}
		if err := o.Observe([]float32{1, nan, 2}); !errors.Is(err, ErrNonFinite) {
			t.Errorf("%s: NaN batch: %v", name, err)
		}
		if _, err := o.QParams(); !errors.Is(err, ErrNoData) {
			t.Errorf("%s: a rejected batch was kept: %v", name, err)
		}
		good := []float32{-1, 3, 0.5, 2}
		if err := o.Observe(good); err != nil {
			t.Fatal(err)
		}
		if err := o.Observe([]float32{float32(math.Inf(-1))}); !errors.Is(err, ErrNonFinite) {
			t.Errorf("%s: -Inf batch: %v", name, err)
		}
		clean := newObs()
		if err := clean.Observe(good); err != nil {
			t.Fatal(err)
		}
		p, err := o.QParams()
		want, _ := clean.QParams()
		if err != nil || p.Scale[0] != want.Scale[0] || p.ZeroPoint[0] != want.ZeroPoint[0] {
			t.Errorf("%s: rejected batches changed the parameters: %+v (%v), want %+v", name, p, err, want)
		}
	}
	if _, err := (&Percentile{P: 20}).QParams(); !errors.Is(err, ErrScheme) {
		t.Errorf("percentile 20: %v", err)
	}
}

func TestHistogramConstantThenSpread(t *testing.T) {
	// torch restarts from the next batch when everything so far was one value.
	o := &Histogram{}
	for _, b := range [][]float32{{3, 3, 3}, {1, 2, 3}} {
		if err := o.Observe(b); err != nil {
			t.Fatal(err)
		}
	}
	lo, hi, hist := o.Observed()
	var total float32
	for _, v := range hist {
		total += v
	}
	if lo != 1 || hi != 3 || total != 3 {
		t.Errorf("observed [%v, %v] with %v values, want [1, 3] with 3", lo, hi, total)
	}
	c := &Histogram{}
	if err := c.Observe([]float32{1.5, 1.5}); err != nil {
		t.Fatal(err)
	}
	if l, h := c.Range(); l[0] != 1.5 || h[0] != 1.5 {
		t.Errorf("constant data: range [%v, %v]", l[0], h[0])
	}
}

func TestPerChannelObserverMisusePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"no shape": func() { _ = (&MinMax{PerChannel: true}).Observe([]float32{1, 2}) },
		"axis out of range": func() {
			_ = (&MinMax{PerChannel: true, Axis: 2}).Observe([]float32{1, 2}, 1, 2)
		},
		"channel count changes": func() {
			o := &MovingAverageMinMax{PerChannel: true}
			_ = o.Observe([]float32{1, 2}, 2, 1)
			_ = o.Observe([]float32{1, 2, 3}, 3, 1)
		},
		"shape does not hold the values": func() { _ = (&Percentile{}).Observe([]float32{1, 2, 3}, 2, 2) },
	} {
		func() {
			defer func() {
				r, _ := recover().(string)
				if !strings.HasPrefix(r, "quant: ") {
					t.Errorf("%s: panic %q", name, r)
				}
			}()
			f()
		}()
	}
}
