package quant

import (
	"fmt"
	"sync"

	"github.com/mlprep/mlprep/internal/kernels"
)

// linear is a quantised torch.nn.Linear, y = x·Wᵀ + b, with W (out×in) in
// symmetric int8, per output channel or per tensor, packed once for
// internal/kernels. With activations quantised as (s_x, z_x) and weight row
// j as (s_w[j], 0), the int32 product C = q_x·q_wᵀ gives
//
//	y[i,j] = s_x·s_w[j]·(C[i,j] − z_x·Σ_p q_w[j,p]) + b[j]
//
// exactly as kernels.Dequantize computes it.
type linear struct {
	name    string // position in the float Sequential ("0", "2", …)
	in, out int
	weight  *Tensor   // Int8, out×in, zero point 0
	wScale  []float32 // one per output channel (repeated for per-tensor weights)
	bias    []float32 // zeros when the float layer had none
	relu    bool      // a ReLU fused onto the output
	packed  *kernels.PackedS8

	// Static layers only. The input's quantisation is the previous layer's
	// output's (or the model input's); requant layers write uint8 with the
	// output parameters, the last layer writes float32.
	inScale     float32
	inZero      int32
	requant     bool
	outScale    float32
	outZero     int32
	staticOff   []int32   // −z_x·RowSums
	staticScale []float32 // s_x·s_w
}

func newLinear(name string, w *Tensor, bias []float32, relu bool) *linear {
	out, in := w.Shape[0], w.Shape[1]
	l := &linear{name: name, in: in, out: out, weight: w, bias: bias, relu: relu, wScale: make([]float32, out)}
	for j := range l.wScale {
		if w.Params.PerChannel {
			l.wScale[j] = w.Params.Scale[j]
		} else {
			l.wScale[j] = w.Params.Scale[0]
		}
	}
	l.packed = kernels.PackS8(out, in, w.Int8s(), in)
	return l
}

// setStatic fixes the input (and, when requant, output) quantisation.
func (l *linear) setStatic(inScale float32, inZero int32, requant bool, outScale float32, outZero int32) {
	l.inScale, l.inZero, l.requant, l.outScale, l.outZero = inScale, inZero, requant, outScale, outZero
	l.staticOff = make([]int32, l.out)
	l.staticScale = make([]float32, l.out)
	for j, rs := range l.packed.RowSums() {
		l.staticOff[j] = -inZero * rs
		l.staticScale[j] = inScale * l.wScale[j]
	}
}

// scratch holds one forward pass's temporaries; pooled so that a model
// serving many small batches does not allocate them each time.
type scratch struct {
	q, next []uint8
	acc     []int32
	off     []int32
	scale   []float32
	tmp     []float32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// dynamic computes y (m×out) from float x (m×in): x is quantised to uint8
// with its own range, as torch's quantize_dynamic Linear does per call. x is
// finite (the model checks its input); a hidden layer whose float output
// overflowed gives ErrNonFinite.
func (l *linear) dynamic(s *scratch, m int, x []float32, reduceRange bool, y []float32) error {
	lo, hi := kernels.MinMax(x)
	if m*l.in == 0 {
		lo, hi = 0, 0
	}
	if !finite(lo) || !finite(hi) {
		return fmt.Errorf("%w: layer %s input range [%v, %v]", ErrNonFinite, l.name, lo, hi)
	}
	sx, zx := dynamicParams(lo, hi, reduceRange)
	s.q = grow(s.q, m*l.in)
	kernels.QuantizeU8(x, sx, zx, s.q)
	s.off, s.scale = grow(s.off, l.out), grow(s.scale, l.out)
	for j, rs := range l.packed.RowSums() {
		s.off[j] = -zx * rs
		s.scale[j] = sx * l.wScale[j]
	}
	l.product(s, m, s.q, s.off, s.scale, y)
	return nil
}

// static computes the layer from uint8 input q: into uint8 next when the
// layer requantises, else into float32 y.
func (l *linear) static(s *scratch, m int, q []uint8, next []uint8, y []float32) {
	if !l.requant {
		l.product(s, m, q, l.staticOff, l.staticScale, y)
		return
	}
	s.tmp = grow(s.tmp, m*l.out)
	l.product(s, m, q, l.staticOff, l.staticScale, s.tmp)
	// A fused ReLU has already clipped tmp at 0.0, whose code is outZero.
	kernels.QuantizeU8(s.tmp, l.outScale, l.outZero, next)
}

// product sets y = scale[j]·(q·Wᵀ + off[j]) + b[j], then the fused ReLU.
func (l *linear) product(s *scratch, m int, q []uint8, off []int32, scale []float32, y []float32) {
	s.acc = grow(s.acc, m*l.out)
	l.packed.MulU8(m, q, l.in, s.acc, l.out)
	kernels.Dequantize(m, l.out, s.acc, l.out, off, scale, l.bias, y, l.out)
	if l.relu {
		for i, v := range y {
			y[i] = max(v, 0)
		}
	}
}
