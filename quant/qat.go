package quant

import (
	"fmt"
	"math"

	"github.com/mlprep/mlprep/internal/nn"
)

// QATOptions configures NewQAT. The zero value quantises weights per output
// channel and watches activations with MovingAverageMinMax (averaging
// constant 0.01, UInt8 affine), torch's default QAT activation observer.
type QATOptions struct {
	PerTensorWeights bool
	// Averaging is the activation observers' moving-average constant.
	Averaging float32
}

// QAT is quantisation-aware training (Jacob et al. 2018; torch's
// prepare_qat/convert): a copy of a float model whose forward pass rounds
// exactly where the converted static model will, so that training can
// adapt the weights to the rounding. The model input and each layer's
// output but the last (after its ReLU) pass through fake quantisation with
// parameters from moving-average observers, and each weight matrix through
// symmetric int8 fake quantisation with its current range; everything stays
// float32. Rounding has zero derivative almost everywhere, so Backward uses
// the straight-through estimator (Bengio et al. 2013): the gradient passes
// unchanged where the value was inside the quantisation range and is zero
// where it was clipped.
//
// QAT is an nn.Layer: train it with nn.TrainClassifier, then Convert. In
// training mode (train = true) Forward updates the activation observers;
// otherwise it uses them as they are. A NaN or Inf reaching a fake
// quantiser makes that forward's output NaN and is kept: Convert and Err
// then return it. QAT is not safe for concurrent use.
type QAT struct {
	opts   QATOptions
	input  *MovingAverageMinMax
	layers []*fakeDense
	inMask []bool
	err    error
}

// fakeDense is one Dense layer (and its ReLU) under fake quantisation.
type fakeDense struct {
	step
	out      *MovingAverageMinMax // nil for the last layer
	wq       *nn.Mat              // fake-quantised weights of the last forward
	wMask    []bool
	x        *nn.Mat // fake-quantised input of the last forward
	y        *nn.Mat // output of the last forward, before its fake quantisation
	outMask  []bool
	perChann bool
}

// NewQAT returns a QAT copy of float (Dense layers, each optionally followed
// by ReLU; Dropout is dropped), whose training leaves float unchanged.
func NewQAT(float *nn.Sequential, opts QATOptions) (*QAT, error) {
	steps, err := plan(float)
	if err != nil {
		return nil, err
	}
	q := &QAT{opts: opts, input: q8observer(opts)}
	for i, st := range steps {
		d := &nn.Dense{W: nn.NewParam("weight", st.dense.W.Value.Clone())}
		if st.dense.B != nil {
			d.B = nn.NewParam("bias", st.dense.B.Value.Clone())
		}
		f := &fakeDense{step: step{name: st.name, dense: d, relu: st.relu}, perChann: !opts.PerTensorWeights}
		if i+1 < len(steps) {
			f.out = q8observer(opts)
		}
		q.layers = append(q.layers, f)
	}
	return q, nil
}

func q8observer(opts QATOptions) *MovingAverageMinMax {
	return &MovingAverageMinMax{Averaging: opts.Averaging}
}

// Forward returns the fake-quantised model's outputs.
func (q *QAT) Forward(x *nn.Mat, train bool) *nn.Mat {
	if x.Cols != q.layers[0].dense.In() {
		panic(fmt.Sprintf("quant: QAT forward: input %s, model takes %d features", x.Shape(), q.layers[0].dense.In()))
	}
	q.inMask = growBools(q.inMask, len(x.Data))
	x, ok := q.fakeActivation(q.input, x, train, q.inMask, "model input")
	if !ok {
		return nanMat(x.Rows, q.layers[len(q.layers)-1].dense.Out())
	}
	for _, l := range q.layers {
		if err := l.fakeWeights(); err != nil {
			q.fail(fmt.Errorf("layer %s weight: %w", l.name, err))
			return nanMat(x.Rows, q.layers[len(q.layers)-1].dense.Out())
		}
		l.x = x
		l.y = nn.MatMul(false, true, x, l.wq)
		if b := l.dense.B; b != nil {
			for i := range l.y.Rows {
				row := l.y.Row(i)
				for j, v := range b.Value.Data {
					row[j] += v
				}
			}
		}
		if l.relu {
			for i, v := range l.y.Data {
				l.y.Data[i] = max(v, 0)
			}
		}
		x = l.y
		if l.out != nil {
			l.outMask = growBools(l.outMask, len(x.Data))
			if x, ok = q.fakeActivation(l.out, x, train, l.outMask, "layer "+l.name+" output"); !ok {
				return nanMat(x.Rows, q.layers[len(q.layers)-1].dense.Out())
			}
		}
	}
	return x
}

// fakeActivation observes x (when training, or when nothing was observed
// yet) and returns it fake-quantised, recording the in-range mask.
func (q *QAT) fakeActivation(o *MovingAverageMinMax, x *nn.Mat, train bool, mask []bool, what string) (*nn.Mat, bool) {
	if lo, _ := o.Range(); train || lo == nil {
		if err := o.Observe(x.Data); err != nil {
			q.fail(fmt.Errorf("%s: %w", what, err))
			return x, false
		}
	}
	p, err := o.QParams()
	if err == nil {
		y := nn.NewMat(x.Rows, x.Cols)
		qmin, qmax, _ := o.Scheme.Range()
		if err = FakeQuantize(y.Data, x.Data, nil, p, qmin, qmax, mask); err == nil {
			return y, true
		}
	}
	q.fail(fmt.Errorf("%s: %w", what, err))
	return x, false
}

// fakeWeights fake-quantises the current weights with their current range.
func (l *fakeDense) fakeWeights() error {
	w := l.dense.W.Value
	o := &MinMax{Scheme: weightScheme, PerChannel: l.perChann}
	if err := o.Observe(w.Data, w.Rows, w.Cols); err != nil {
		return err
	}
	p, err := o.QParams()
	if err != nil {
		return err
	}
	if l.wq == nil {
		l.wq = nn.NewMat(w.Rows, w.Cols)
		l.wMask = make([]bool, len(w.Data))
	}
	qmin, qmax, _ := weightScheme.Range()
	return FakeQuantize(l.wq.Data, w.Data, []int{w.Rows, w.Cols}, p, qmin, qmax, l.wMask)
}

func (q *QAT) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

func nanMat(rows, cols int) *nn.Mat {
	m := nn.NewMat(rows, cols)
	for i := range m.Data {
		m.Data[i] = float32(math.NaN())
	}
	return m
}

func growBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	return b[:n]
}

// Backward propagates dy through the last Forward with the straight-through
// estimator, adding the weight and bias gradients.
func (q *QAT) Backward(dy *nn.Mat) *nn.Mat {
	last := q.layers[len(q.layers)-1]
	if last.y == nil || dy.Rows != last.y.Rows || dy.Cols != last.y.Cols {
		panic(fmt.Sprintf("quant: QAT backward: dy %s does not match the last forward", dy.Shape()))
	}
	for i := len(q.layers) - 1; i >= 0; i-- {
		l := q.layers[i]
		g := dy.Clone()
		if l.out != nil {
			maskGrad(g.Data, l.outMask)
		}
		if l.relu {
			for k, v := range l.y.Data {
				if v <= 0 {
					g.Data[k] = 0
				}
			}
		}
		if !l.dense.W.Frozen {
			dw := nn.MatMul(true, false, g, l.x)
			maskGrad(dw.Data, l.wMask)
			for k, v := range dw.Data {
				l.dense.W.Grad.Data[k] += v
			}
		}
		if b := l.dense.B; b != nil && !b.Frozen {
			for r := range g.Rows {
				for j, v := range g.Row(r) {
					b.Grad.Data[j] += v
				}
			}
		}
		dy = nn.MatMul(false, false, g, l.wq)
	}
	maskGrad(dy.Data, q.inMask)
	return dy
}

func maskGrad(g []float32, inRange []bool) {
	for i, ok := range inRange {
		if !ok {
			g[i] = 0
		}
	}
}

// Params returns each layer's weight and bias, in order.
func (q *QAT) Params() []*nn.Param {
	var ps []*nn.Param
	for _, l := range q.layers {
		ps = append(ps, l.dense.Params()...)
	}
	return ps
}

// Float returns the float model QAT is training (Dense layers sharing its
// parameters, with their ReLUs): the reference for Compare after Convert.
func (q *QAT) Float() *nn.Sequential {
	s := &nn.Sequential{}
	for _, l := range q.layers {
		s.Layers = append(s.Layers, &nn.Dense{W: l.dense.W, B: l.dense.B})
		if l.relu {
			s.Layers = append(s.Layers, &nn.ReLU{})
		}
	}
	return s
}

// Err returns the first NaN or Inf met by a fake quantiser, or nil.
func (q *QAT) Err() error { return q.err }

// Convert returns the static int8 model QAT has been simulating: the trained
// weights quantised as in training and the observers' activation
// parameters. It returns Err if training met NaN or Inf, and ErrNoData if
// Forward never ran.
func (q *QAT) Convert() (*Model, error) {
	if q.err != nil {
		return nil, q.err
	}
	observers := []*MovingAverageMinMax{q.input}
	steps := make([]step, len(q.layers))
	for i, l := range q.layers {
		steps[i] = l.step
		if l.out != nil {
			observers = append(observers, l.out)
		}
	}
	act := make([]QParams, len(observers))
	for i, o := range observers {
		p, err := o.QParams()
		if err != nil {
			return nil, fmt.Errorf("QAT observer %d: %w", i, err)
		}
		act[i] = p
	}
	return staticModel(steps, act, q.opts.PerTensorWeights)
}
