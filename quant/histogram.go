package quant

import (
	"math"

	"github.com/mlprep/mlprep/internal/kernels"
)

// Histogram is PyTorch 1.13's HistogramObserver: it keeps a histogram of
// every value observed and picks the sub-range whose 8-bit quantisation has
// the least L2 error, clipping rare outliers that MinMax would let stretch
// the scale. Per-tensor only, as in torch.
//
// Observing. The first batch is binned into Bins bins (zero means 2048) over
// its own [min, max]. A later batch that widens the range re-bins the old
// histogram onto the wider grid: each old bin is split into UpsampleRate
// (zero means 128) equal parts that are summed into the new bins they fall
// in, the wider max being stretched so that new bins are whole multiples of
// old parts ("_adjust_min_max" and "_combine_histograms").
//
// Searching (torch's _non_linear_param_search, from caffe2's
// NormMinimization). Starting from all bins, the search repeatedly drops
// 10⁻⁵ of the total count from whichever end frees more bins, and evaluates
// the L2 error of quantising the histogram's mass, taken as uniform within
// each bin, onto 256 levels spanning the remaining bins:
//
//	E = Σ_bins density · ∫ (x − nearest level centre)² dx
//
// It stops at the first candidate whose error is larger than the previous
// one and returns that previous range. The greedy stop makes it cautious: on
// bell-shaped data it usually trims only the last few bins.
//
// One deliberate difference: torch 1.13 bins with torch.histc(x, min=int(min),
// max=int(max)), truncating the range to integers, which drops or misplaces
// values on most data (fixed in later PyTorch). Histogram bins over the true
// range. On data whose range ends are integers the two agree, and that is how
// the golden tests compare them.
type Histogram struct {
	Scheme       Scheme
	Bins         int
	UpsampleRate int
	hist         []float32
	lo, hi       float32
}

func (o *Histogram) bins() int {
	if o.Bins > 0 {
		return o.Bins
	}
	return 2048
}

func (o *Histogram) upsample() int {
	if o.UpsampleRate > 0 {
		return o.UpsampleRate
	}
	return 128
}

// Observe adds x to the histogram.
func (o *Histogram) Observe(x []float32, shape ...int) error {
	if len(shape) > 0 {
		checkShape("Histogram", len(x), shape)
	}
	if err := checkFinite("x", x); err != nil {
		return err
	}
	if len(x) == 0 {
		return nil
	}
	bins := o.bins()
	lo, hi := kernels.MinMax(x)
	if o.hist == nil || o.lo == o.hi {
		// torch restarts from the new batch alone when everything seen so far
		// was one value.
		o.lo, o.hi = lo, hi
		o.hist = make([]float32, bins)
		histc(x, o.lo, o.hi, o.hist)
		return nil
	}
	cmin, cmax := min(lo, o.lo), max(hi, o.hi)
	up := o.upsample()
	// A common grid: the old histogram's bins split into up parts each, and
	// new bins that are down of those parts wide.
	part := (o.hi - o.lo) / float32(bins*up)
	down := int(math.Ceil(float64((cmax - cmin) / float32(float32(bins)*part))))
	cmax += float32(float32(down)*float32(float32(bins)*part)) - (cmax - cmin)
	start := int(math.RoundToEven(float64((o.lo - cmin) / part)))
	merged := make([]float32, bins)
	histc(x, cmin, cmax, merged)
	if cmin == o.lo && cmax == o.hi {
		for i, v := range o.hist {
			merged[i] += v
		}
	} else {
		regrid(o.hist, merged, up, down, start)
	}
	o.hist, o.lo, o.hi = merged, cmin, cmax
	return nil
}

// histc bins x into len(out) equal bins over [lo, hi] as torch.histc does in
// float32: values outside are ignored, hi falls in the last bin, and a
// degenerate range lo = hi is widened to [lo − 1, hi + 1].
func histc(x []float32, lo, hi float32, out []float32) {
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	n := len(out)
	for _, v := range x {
		if v < lo || v > hi {
			continue
		}
		pos := int(float32((v-lo)*float32(n)) / (hi - lo))
		out[min(pos, n-1)]++
	}
}

// regrid adds the old histogram, each bin split into up equal parts placed
// from part index start, onto out, whose bins are down parts wide. It is
// torch's _combine_histograms without materialising the len(out)·down parts:
// the cumulative sum at each new bin edge in float64, the previous edge's
// rounded to float32 as torch's shifted copy is.
func regrid(old, out []float32, up, down, start int) {
	contrib := make([]float64, len(out))
	for b, h := range old {
		if h == 0 {
			continue
		}
		from := start + b*up
		to := from + up
		for i := from / down; i < len(out) && i*down < to; i++ {
			overlap := min(to, (i+1)*down) - max(from, i*down)
			contrib[i] += float64(h) * float64(overlap)
		}
	}
	var integral float64
	for i := range out {
		shifted := float64(float32(integral))
		integral += contrib[i]
		out[i] += float32((integral - shifted) / float64(up))
	}
}

// Range returns the searched range [lo, hi] as a one-element slice each, or
// nil before any value.
func (o *Histogram) Range() (lo, hi []float32) {
	if o.hist == nil {
		return nil, nil
	}
	l, h := o.search()
	return []float32{l}, []float32{h}
}

// Observed returns the range of everything observed (with the stretch of
// its max that re-binning adds) and the histogram over it. The caller must
// not modify the histogram.
func (o *Histogram) Observed() (lo, hi float32, hist []float32) { return o.lo, o.hi, o.hist }

// QParams returns the parameters for the searched range.
func (o *Histogram) QParams() (QParams, error) {
	lo, hi := o.Range()
	return qparams(o.Scheme, lo, hi, false, 0)
}

// Reset forgets everything observed.
func (o *Histogram) Reset() { o.hist = nil }

// search is torch's _non_linear_param_search in the same float32/float64
// mix, so that it stops at the same bins.
func (o *Histogram) search() (lo, hi float32) {
	if o.lo == o.hi {
		return o.lo, o.hi
	}
	bins := len(o.hist)
	width := (o.hi - o.lo) / float32(bins)
	cum := make([]float32, bins)
	var acc, total float64
	for i, v := range o.hist {
		acc += float64(v)
		cum[i] = float32(acc)
	}
	total = float64(float32(acc))
	const step = 1e-5
	alpha, beta := 0.0, 1.0
	start, end := 0, bins-1
	best := math.Inf(1)
	e := newErrorModel(o.hist, o.lo, o.hi)
	for alpha < beta {
		nextAlpha, nextBeta := alpha+step, beta-step
		l, r := start, end
		for l < end && cum[l] < float32(nextAlpha*total) {
			l++
		}
		for r > start && cum[r] > float32(nextBeta*total) {
			r--
		}
		nextStart, nextEnd := start, end
		if l-start > end-r {
			nextStart, alpha = l, nextAlpha
		} else {
			nextEnd, beta = r, nextBeta
		}
		if nextStart == start && nextEnd == end {
			continue
		}
		norm := e.l2(nextStart, nextEnd)
		if norm > best {
			break
		}
		best, start, end = norm, nextStart, nextEnd
	}
	return o.lo + float32(width*float32(start)), o.lo + float32(width*float32(end+1))
}

// errorModel evaluates torch's _compute_quantization_error.
type errorModel struct {
	width   float64   // source bin width, in float64 as torch's .item() gives
	density []float32 // count / width
}

func newErrorModel(hist []float32, lo, hi float32) errorModel {
	width := (float64(hi) - float64(lo)) / float64(len(hist))
	d := make([]float32, len(hist))
	for i, v := range hist {
		d[i] = v / float32(width)
	}
	return errorModel{width: width, density: d}
}

// l2 is the error of quantising bins start…end onto 256 levels: for each
// source bin, the parts of it in the first and last destination bin it
// overlaps and the whole destination bins in between, each ∫(x − centre)².
func (m errorModel) l2(start, end int) float64 {
	const levels = 256
	dst := m.width * float64(end-start+1) / levels
	if dst == 0 {
		return 0
	}
	dst32, half := float32(dst), float32(dst/2)
	w := float32(m.width)
	whole := cube(half) - cube(-half)
	var sum float64
	for i, dens := range m.density {
		begin := float32(float32(i-start) * w)
		endv := begin + w
		first := clampLevel(floorDiv(begin, dst32))
		last := clampLevel(floorDiv(endv, dst32))
		firstCentre := float32((first + 0.5) * dst32)
		lastCentre := float32(last*dst32) + half
		n := float32((cube(half) - cube(begin-firstCentre)) / 3 * dens)
		n += float32((last - first - 1) * float32(whole/3*dens))
		n += float32((cube(endv-lastCentre) - cube(-half)) / 3 * dens)
		sum += float64(n)
	}
	return sum
}

func cube(v float32) float32 { return float32(v*v) * v }

func clampLevel(v float32) float32 { return min(max(v, 0), 255) }

// floorDiv is torch.div(a, b, rounding_mode="floor") for float32: Python's
// floor division, computed from the remainder as ATen does.
func floorDiv(a, b float32) float32 {
	mod := float32(math.Mod(float64(a), float64(b)))
	div := (a - mod) / b
	if mod != 0 && (b < 0) != (mod < 0) {
		div--
	}
	if div == 0 {
		return float32(math.Copysign(0, float64(a/b)))
	}
	fl := float32(math.Floor(float64(div)))
	if div-fl > 0.5 {
		fl++
	}
	return fl
}
