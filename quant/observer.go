package quant

import (
	"fmt"
	"math"

	"github.com/mlprep/mlprep/internal/kernels"
)

// Observer watches the values a tensor takes during calibration and turns
// them into quantisation parameters, as torch.ao.quantization's observers do.
//
// Observe takes a batch of values, row-major in shape (omitted for a flat
// slice); per-channel observers need the shape to find the channels and
// panic without it. A batch with NaN or Inf is rejected with ErrNonFinite and
// leaves the observer unchanged. QParams returns ErrNoData before the first
// value.
//
// Observers are not safe for concurrent use.
type Observer interface {
	Observe(x []float32, shape ...int) error
	QParams() (QParams, error)
}

// channelMinMax returns the smallest and largest value of each channel of x
// (one channel when perChannel is false).
func channelMinMax(op string, x []float32, shape []int, perChannel bool, axis int) (lo, hi []float32) {
	if !perChannel {
		if len(shape) > 0 {
			checkShape(op, len(x), shape)
		}
		l, h := kernels.MinMax(x)
		return []float32{l}, []float32{h}
	}
	if len(shape) == 0 {
		panic(fmt.Sprintf("quant: %s: a per-channel observer needs the shape of x", op))
	}
	checkShape(op, len(x), shape)
	count, inner := splitAxis(op, shape, axis)
	lo, hi = make([]float32, count), make([]float32, count)
	for c := range lo {
		lo[c], hi[c] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for start := 0; start < len(x); start += inner {
		c := start / inner % count
		l, h := kernels.MinMax(x[start : start+inner])
		lo[c], hi[c] = min(lo[c], l), max(hi[c], h)
	}
	return lo, hi
}

// qparams turns per-channel (or one per-tensor) ranges into parameters.
func qparams(s Scheme, lo, hi []float32, perChannel bool, axis int) (QParams, error) {
	if len(lo) == 0 {
		return QParams{}, ErrNoData
	}
	p := QParams{DType: s.DType, Scale: make([]float32, len(lo)), ZeroPoint: make([]int32, len(lo)), PerChannel: perChannel, Axis: axis}
	for c := range lo {
		sc, zp, err := s.Params(lo[c], hi[c])
		if err != nil {
			if perChannel {
				return QParams{}, fmt.Errorf("channel %d: %w", c, err)
			}
			return QParams{}, err
		}
		p.Scale[c], p.ZeroPoint[c] = sc, zp
	}
	return p, nil
}

// observeRange folds a batch's per-channel range into lo and hi: the first
// batch sets them, later ones go through combine (upper: for hi). An empty
// batch changes nothing; NaN or Inf gives ErrNonFinite and changes nothing;
// a different channel count than before panics.
func observeRange(op string, lo, hi *[]float32, x []float32, shape []int, perChannel bool, axis int, combine func(old, cur float32, upper bool) float32) error {
	if err := checkFinite("x", x); err != nil {
		return err
	}
	if len(x) == 0 {
		return nil
	}
	blo, bhi := channelMinMax(op, x, shape, perChannel, axis)
	channelCount(op, len(*lo), len(blo))
	if *lo == nil {
		*lo, *hi = blo, bhi
		return nil
	}
	for c := range blo {
		(*lo)[c] = combine((*lo)[c], blo[c], false)
		(*hi)[c] = combine((*hi)[c], bhi[c], true)
	}
	return nil
}

// channelCount panics if a per-channel observer sees a different number of
// channels than before.
func channelCount(op string, have, got int) {
	if have != 0 && have != got {
		panic(fmt.Sprintf("quant: %s: batch has %d channels, earlier batches had %d", op, got, have))
	}
}

// MinMax is torch's MinMaxObserver (per-tensor) and PerChannelMinMaxObserver:
// the range is the smallest and largest value ever observed. The zero value
// observes per-tensor with the zero Scheme (UInt8 affine); set PerChannel and
// Axis (torch's ch_axis) for per-channel weights.
type MinMax struct {
	Scheme     Scheme
	PerChannel bool
	Axis       int
	lo, hi     []float32
}

// Observe widens the range to include x.
func (o *MinMax) Observe(x []float32, shape ...int) error {
	return observeRange("MinMax", &o.lo, &o.hi, x, shape, o.PerChannel, o.Axis, func(old, cur float32, upper bool) float32 {
		if upper {
			return max(old, cur)
		}
		return min(old, cur)
	})
}

// Range returns the observed range of each channel (one for per-tensor), or
// nil before any value. The caller must not modify them.
func (o *MinMax) Range() (lo, hi []float32) { return o.lo, o.hi }

// QParams returns the parameters for the observed range.
func (o *MinMax) QParams() (QParams, error) {
	return qparams(o.Scheme, o.lo, o.hi, o.PerChannel, o.Axis)
}

// Reset forgets everything observed.
func (o *MinMax) Reset() { o.lo, o.hi = nil, nil }

// MovingAverageMinMax is torch's MovingAverageMinMaxObserver and
// MovingAveragePerChannelMinMaxObserver: the first batch sets the range, each
// later batch moves it by Averaging (torch's averaging_constant, zero means
// 0.01) towards that batch's own min and max:
//
//	lo ← lo + c·(min(x) − lo),  hi ← hi + c·(max(x) − hi)
//
// so one outlier batch cannot stretch the range for good. It is the default
// activation observer of quantisation-aware training.
type MovingAverageMinMax struct {
	Scheme     Scheme
	Averaging  float32
	PerChannel bool
	Axis       int
	lo, hi     []float32
}

// Observe moves the range towards x's.
func (o *MovingAverageMinMax) Observe(x []float32, shape ...int) error {
	c := o.Averaging
	if c == 0 {
		c = 0.01
	}
	return observeRange("MovingAverageMinMax", &o.lo, &o.hi, x, shape, o.PerChannel, o.Axis, func(old, cur float32, _ bool) float32 {
		// float32(…) keeps the product rounded on its own, as torch's
		// float32 tensor arithmetic does (no fused multiply-add).
		return old + float32(c*(cur-old))
	})
}

// Range returns the current range of each channel, or nil before any value.
func (o *MovingAverageMinMax) Range() (lo, hi []float32) { return o.lo, o.hi }

// QParams returns the parameters for the current range.
func (o *MovingAverageMinMax) QParams() (QParams, error) {
	return qparams(o.Scheme, o.lo, o.hi, o.PerChannel, o.Axis)
}

// Reset forgets everything observed.
func (o *MovingAverageMinMax) Reset() { o.lo, o.hi = nil, nil }
