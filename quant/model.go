package quant

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/nn"
)

// Model is a quantised multi-layer perceptron: the Dense layers of a float
// nn.Sequential with int8 weights, each followed by its ReLU when the float
// model had one. It is made by QuantizeDynamic, QuantizeStatic,
// QAT.Convert or UnmarshalBinary, is immutable, and is safe for concurrent
// use.
type Model struct {
	static      bool
	reduceRange bool    // dynamic: activations in [0, 127]
	inScale     float32 // static: the model input's uint8 quantisation
	inZero      int32
	layers      []*linear
}

// DynamicOptions configures QuantizeDynamic. The zero value quantises
// weights per output channel and activations with all 8 bits.
type DynamicOptions struct {
	// PerTensorWeights uses one scale per weight matrix, as torch's
	// default_dynamic_qconfig does, instead of one per output channel
	// (per_channel_dynamic_qconfig). Per-channel costs nothing at run time.
	PerTensorWeights bool
	// ReduceRange quantises activations to [0, 127], as torch's dynamic
	// Linear does with the fbgemm and onednn engines; internal/kernels is
	// exact over the full range, so the default keeps the extra bit.
	ReduceRange bool
}

// QuantizeDynamic returns float's Dense layers with int8 weights, computed
// once, and activations quantised to uint8 per batch at run time from the
// batch's own range (torch.ao.quantization.quantize_dynamic). float must be
// Dense layers, each optionally followed by ReLU; Dropout is dropped (it is
// the identity at inference). Other layers give ErrUnsupported.
func QuantizeDynamic(float *nn.Sequential, opts DynamicOptions) (*Model, error) {
	steps, err := plan(float)
	if err != nil {
		return nil, err
	}
	m := &Model{reduceRange: opts.ReduceRange}
	for _, st := range steps {
		l, err := quantizeDense(st, opts.PerTensorWeights)
		if err != nil {
			return nil, err
		}
		m.layers = append(m.layers, l)
	}
	return m, nil
}

// step is one Dense layer of a float model and whether a ReLU follows it.
type step struct {
	name  string
	dense *nn.Dense
	relu  bool
}

// plan reads a float Sequential as Dense (ReLU) … Dense (ReLU).
func plan(float *nn.Sequential) ([]step, error) {
	var steps []step
	for i, l := range float.Layers {
		switch l := l.(type) {
		case *nn.Dense:
			steps = append(steps, step{name: strconv.Itoa(i), dense: l})
		case *nn.ReLU:
			if len(steps) == 0 {
				return nil, fmt.Errorf("%w: layer %d: ReLU before any Dense", ErrUnsupported, i)
			}
			steps[len(steps)-1].relu = true
		case *nn.Dropout:
		default:
			return nil, fmt.Errorf("%w: layer %d is %T (Dense, ReLU and Dropout are supported)", ErrUnsupported, i, l)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%w: the model has no Dense layer", ErrUnsupported)
	}
	for i := 1; i < len(steps); i++ {
		if steps[i].dense.In() != steps[i-1].dense.Out() {
			return nil, fmt.Errorf("%w: layer %s has %d inputs after %d outputs", ErrUnsupported, steps[i].name, steps[i].dense.In(), steps[i-1].dense.Out())
		}
	}
	return steps, nil
}

// weightScheme is torch's default weight observer: symmetric int8 over the
// full [−128, 127].
var weightScheme = Scheme{DType: Int8, Symmetric: true}

// quantizeWeights quantises an out×in weight matrix, per row unless
// perTensor.
func quantizeWeights(w *nn.Mat, perTensor bool) (*Tensor, error) {
	o := &MinMax{Scheme: weightScheme, PerChannel: !perTensor}
	if err := o.Observe(w.Data, w.Rows, w.Cols); err != nil {
		return nil, err
	}
	p, err := o.QParams()
	if err != nil {
		return nil, err
	}
	return Quantize(w.Data, []int{w.Rows, w.Cols}, p)
}

func quantizeDense(st step, perTensor bool) (*linear, error) {
	w, err := quantizeWeights(st.dense.W.Value, perTensor)
	if err != nil {
		return nil, fmt.Errorf("layer %s weight: %w", st.name, err)
	}
	bias := make([]float32, st.dense.Out())
	if st.dense.B != nil {
		copy(bias, st.dense.B.Value.Data)
		if err := checkFinite("bias", bias); err != nil {
			return nil, fmt.Errorf("layer %s: %w", st.name, err)
		}
	}
	return newLinear(st.name, w, bias, st.relu), nil
}

// In is the number of input features.
func (m *Model) In() int { return m.layers[0].in }

// Out is the number of outputs.
func (m *Model) Out() int { return m.layers[len(m.layers)-1].out }

// Static reports whether activations have fixed, calibrated quantisation
// (QuantizeStatic, QAT.Convert) rather than one per batch.
func (m *Model) Static() bool { return m.static }

// Forward returns the model's float32 outputs for the rows of x. It returns
// ErrNonFinite for NaN or Inf in x and panics if x does not have In columns.
func (m *Model) Forward(x *nn.Mat) (*nn.Mat, error) {
	return m.forward(x, nil)
}

// forward runs the model; visit, when set, sees each layer's output in
// float32 (dequantised for a static model's uint8 activations).
func (m *Model) forward(x *nn.Mat, visit func(layer int, y []float32)) (*nn.Mat, error) {
	if x.Cols != m.In() {
		panic(fmt.Sprintf("quant: Model.Forward: input %s, model takes %d features", x.Shape(), m.In()))
	}
	if err := checkFinite("x", x.Data); err != nil {
		return nil, err
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	rows := x.Rows
	if !m.static {
		for i, l := range m.layers {
			y := nn.NewMat(rows, l.out)
			if err := l.dynamic(s, rows, x.Data, m.reduceRange, y.Data); err != nil {
				return nil, err
			}
			if visit != nil {
				visit(i, y.Data)
			}
			x = y
		}
		return x, nil
	}
	q := grow(s.next, rows*m.In())
	s.next = q
	kernels.QuantizeU8(x.Data, m.inScale, m.inZero, q)
	var next []uint8
	for i, l := range m.layers {
		if l.requant {
			next = grow(s.q, rows*l.out)
			l.static(s, rows, q, next, nil)
			if visit != nil {
				visit(i, (&Tensor{Shape: []int{rows, l.out}, Params: PerTensor(UInt8, l.outScale, l.outZero), Data: next}).Dequantize())
			}
			// The two uint8 buffers swap roles: this output is the next input.
			s.q, s.next = q, next
			q = next
			continue
		}
		y := nn.NewMat(rows, l.out)
		l.static(s, rows, q, nil, y.Data)
		if visit != nil {
			visit(i, y.Data)
		}
		return y, nil
	}
	panic("quant: static model without a float output layer")
}

// Predict returns the argmax class of each row of x, batch rows at a time.
func (m *Model) Predict(x *nn.Mat, batch int) ([]int, error) {
	if batch <= 0 {
		batch = 256
	}
	out := make([]int, 0, x.Rows)
	for lo := 0; lo < x.Rows; lo += batch {
		hi := min(lo+batch, x.Rows)
		y, err := m.Forward(nn.MatFrom(hi-lo, x.Cols, x.Data[lo*x.Cols:hi*x.Cols]))
		if err != nil {
			return nil, fmt.Errorf("rows %d–%d: %w", lo, hi-1, err)
		}
		out = append(out, nn.Argmax(y)...)
	}
	return out, nil
}

// StaticOptions configures QuantizeStatic. The zero value quantises weights
// per output channel and calibrates activations with Histogram observers
// (UInt8, affine) over batches of 256 rows.
type StaticOptions struct {
	PerTensorWeights bool
	// Observer returns a fresh activation observer; it must produce per-tensor
	// UInt8 parameters. Nil means &Histogram{}.
	Observer func() Observer
	// BatchSize is the number of calibration rows per observation.
	BatchSize int
}

// QuantizeStatic returns float with int8 weights and activation
// quantisation fixed in advance: calib is run through the float model, one
// observer watches the model input and one the output of every layer but
// the last (after its ReLU), and their ranges become the uint8 parameters
// each layer requantises its output to. The last layer writes float32: its
// logits are not requantised only to be dequantised. Calibration data with
// no rows gives ErrNoData, NaN or Inf gives ErrNonFinite; float must be as
// QuantizeDynamic requires. It panics if calib does not have the model's
// number of input features.
func QuantizeStatic(ctx context.Context, float *nn.Sequential, calib *nn.Mat, opts StaticOptions) (*Model, error) {
	steps, err := plan(float)
	if err != nil {
		return nil, err
	}
	if calib.Cols != steps[0].dense.In() {
		panic(fmt.Sprintf("quant: QuantizeStatic: calibration data %s, model takes %d features", calib.Shape(), steps[0].dense.In()))
	}
	if calib.Rows == 0 {
		return nil, fmt.Errorf("calibration: %w", ErrNoData)
	}
	newObs := opts.Observer
	if newObs == nil {
		newObs = func() Observer { return &Histogram{} }
	}
	observers := make([]Observer, len(steps)) // [0]: model input; [i]: output of step i−1
	for i := range observers {
		observers[i] = newObs()
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = 256
	}
	for lo := 0; lo < calib.Rows; lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+batch, calib.Rows)
		x := nn.MatFrom(hi-lo, calib.Cols, calib.Data[lo*calib.Cols:hi*calib.Cols])
		if err := observers[0].Observe(x.Data, x.Rows, x.Cols); err != nil {
			return nil, fmt.Errorf("calibration rows %d–%d: %w", lo, hi-1, err)
		}
		for i, st := range steps[:len(steps)-1] {
			x = denseForward(st, x)
			if err := observers[i+1].Observe(x.Data, x.Rows, x.Cols); err != nil {
				return nil, fmt.Errorf("calibration rows %d–%d, layer %s output: %w", lo, hi-1, st.name, err)
			}
		}
	}
	params := make([]QParams, len(observers))
	for i, o := range observers {
		p, err := o.QParams()
		if err != nil {
			return nil, fmt.Errorf("calibration observer %d: %w", i, err)
		}
		if p.DType != UInt8 || p.PerChannel {
			return nil, fmt.Errorf("%w: activation observer %d gave %v per-channel=%v parameters (want per-tensor uint8)", ErrScheme, i, p.DType, p.PerChannel)
		}
		params[i] = p
	}
	return staticModel(steps, params, opts.PerTensorWeights)
}

// staticModel builds a static model from the activation parameters: the
// model input's and each layer's output but the last's.
func staticModel(steps []step, act []QParams, perTensor bool) (*Model, error) {
	m := &Model{static: true, inScale: act[0].Scale[0], inZero: act[0].ZeroPoint[0]}
	for i, st := range steps {
		l, err := quantizeDense(st, perTensor)
		if err != nil {
			return nil, err
		}
		in := act[i]
		if i+1 < len(steps) {
			out := act[i+1]
			l.setStatic(in.Scale[0], in.ZeroPoint[0], true, out.Scale[0], out.ZeroPoint[0])
		} else {
			l.setStatic(in.Scale[0], in.ZeroPoint[0], false, 0, 0)
		}
		m.layers = append(m.layers, l)
	}
	return m, nil
}

// denseForward is the float layer (with its ReLU) without touching the
// layer's cached state.
func denseForward(st step, x *nn.Mat) *nn.Mat {
	d := st.dense
	y := nn.NewMat(x.Rows, d.Out())
	if d.B != nil {
		for i := range y.Rows {
			copy(y.Row(i), d.B.Value.Data)
		}
	}
	nn.Gemm(false, true, 1, x, d.W.Value, 1, y)
	if st.relu {
		for i, v := range y.Data {
			y.Data[i] = max(v, 0)
		}
	}
	return y
}
