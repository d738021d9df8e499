package quant

import (
	"fmt"
	"math"
	"slices"
)

// Percentile clips outliers: its range is the (100 − P)-th and P-th
// percentiles of every value observed (per channel when PerChannel is set),
// with numpy.percentile's default linear interpolation between order
// statistics. PyTorch 1.13 has no percentile observer; this is the usual
// definition of TensorRT-style percentile calibration, and P = 100 gives
// MinMax. The zero value of P means 99.99.
//
// It keeps every observed value (4 bytes each) until Reset: calibrate on a
// sample, not a whole data set.
type Percentile struct {
	Scheme     Scheme
	P          float64
	PerChannel bool
	Axis       int
	values     [][]float32 // per channel
}

// Observe adds x's values.
func (o *Percentile) Observe(x []float32, shape ...int) error {
	if err := checkFinite("x", x); err != nil {
		return err
	}
	if len(x) == 0 {
		return nil
	}
	count, inner := 1, len(x)
	if o.PerChannel {
		if len(shape) == 0 {
			panic("quant: Percentile: a per-channel observer needs the shape of x")
		}
		checkShape("Percentile", len(x), shape)
		count, inner = splitAxis("Percentile", shape, o.Axis)
	} else if len(shape) > 0 {
		checkShape("Percentile", len(x), shape)
	}
	channelCount("Percentile", len(o.values), count)
	if o.values == nil {
		o.values = make([][]float32, count)
	}
	for start := 0; start < len(x); start += inner {
		c := start / inner % count
		o.values[c] = append(o.values[c], x[start:start+inner]...)
	}
	return nil
}

// Range returns the percentile range of each channel, or nil before any
// value. It sorts the stored values once per call.
func (o *Percentile) Range() (lo, hi []float32) {
	p := o.P
	if p == 0 {
		p = 99.99
	}
	for _, v := range o.values {
		slices.Sort(v)
		lo = append(lo, percentile(v, 100-p))
		hi = append(hi, percentile(v, p))
	}
	return lo, hi
}

// QParams returns the parameters for the percentile range.
func (o *Percentile) QParams() (QParams, error) {
	if o.P < 0 || o.P > 100 || (o.P != 0 && o.P < 50) {
		return QParams{}, fmt.Errorf("%w: percentile %v outside [50, 100]", ErrScheme, o.P)
	}
	lo, hi := o.Range()
	return qparams(o.Scheme, lo, hi, o.PerChannel, o.Axis)
}

// Reset forgets everything observed.
func (o *Percentile) Reset() { o.values = nil }

// percentile is numpy.percentile(sorted, p) with method "linear": the value at
// virtual index (p/100)·(n − 1), interpolated as numpy's _lerp does for
// float32 data: the difference of the neighbours in float32, the rest in
// float64, from the nearer end (so p = 100 gives the maximum exactly).
func percentile(sorted []float32, p float64) float32 {
	idx := p / 100 * float64(len(sorted)-1)
	below := math.Floor(idx)
	i := int(below)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	t := idx - below
	a, b := float64(sorted[i]), float64(sorted[i+1])
	d := float64(sorted[i+1] - sorted[i])
	if t >= 0.5 {
		return float32(b - d*(1-t))
	}
	return float32(a + d*t)
}
