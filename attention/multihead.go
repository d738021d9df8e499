package attention

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// Config describes a MultiHead. EmbedDim and NumHeads are required; the zero
// values of the other fields give nn.MultiheadAttention's defaults.
type Config struct {
	// EmbedDim is the model width E; each of the NumHeads heads works on
	// E/NumHeads features.
	EmbedDim, NumHeads int
	// KDim and VDim are the feature sizes of the key and value inputs; 0
	// means EmbedDim. When either differs from EmbedDim the projections are
	// stored separately (q_proj_weight, k_proj_weight, v_proj_weight) as in
	// PyTorch, instead of packed in in_proj_weight.
	KDim, VDim int
	// NoBias drops in_proj_bias and out_proj.bias (PyTorch's bias=False).
	NoBias bool
	// Rotary, if set, rotates each head's queries and keys after the
	// projection (RoPE), numbering positions from 0 in every Forward and
	// from the cache length in Decode. PyTorch's module has no such option.
	Rotary *Rotary
}

// MultiHead is multi-head attention with nn.MultiheadAttention's parameters
// and batch_first=True semantics:
//
//	headᵢ = softmax(Q Wqᵢᵀ (K Wkᵢᵀ)ᵀ / √d + mask) V Wvᵢᵀ,  out = [head₁ … head_H] Woᵀ + bo
//
// (biases of the input projections omitted). Dropout on the weights is not
// implemented: PyTorch's module in eval mode, or with dropout=0, is the
// reference. A MultiHead keeps the state of its last Forward for Backward,
// so it is not safe for concurrent use; Forward itself runs its heads in
// parallel.
type MultiHead struct {
	cfg          Config
	q, k, v, out *linear
	linears      linearList
	// inWeight and inBias are in_proj_weight and in_proj_bias (nil when
	// absent), whose row blocks the q, k and v layers view.
	inWeight, inBias *nn.Param
	params           paramList
	rec              *record
	ws               workspace
}

// record is what Backward needs from a Forward with ForBackward.
type record struct {
	p         *problem
	b, lq, lk int
}

// NewMultiHead returns a module initialised as nn.MultiheadAttention
// initialises itself: Xavier-uniform input projections, zero biases and
// U(±1/√E) for out_proj.weight. rng draws the weights; nil means a fixed
// seed, so two modules built with nil are identical. It panics if EmbedDim
// is not a positive multiple of NumHeads, or if Rotary is set and the head
// size is odd.
func NewMultiHead(cfg Config, rng *rand.Rand) *MultiHead {
	e, h := cfg.EmbedDim, cfg.NumHeads
	if e <= 0 || h <= 0 || e%h != 0 {
		panic(fmt.Sprintf("attention: EmbedDim %d must be a positive multiple of NumHeads %d", e, h))
	}
	if cfg.Rotary != nil && (e/h)%2 != 0 {
		panic(fmt.Sprintf("attention: Rotary needs an even head size, got %d", e/h))
	}
	if cfg.KDim == 0 {
		cfg.KDim = e
	}
	if cfg.VDim == 0 {
		cfg.VDim = e
	}
	if rng == nil {
		rng = nn.NewRand(1)
	}
	m := &MultiHead{cfg: cfg}
	var bias *nn.Param
	if !cfg.NoBias {
		bias = nn.NewParam("in_proj_bias", nn.NewMat(1, 3*e))
		m.inBias = bias
	}
	var layers [3]*nn.Dense
	if m.packed() {
		w := nn.NewParam("in_proj_weight", nn.NewMat(3*e, e))
		nn.XavierUniform(w.Value, e, 3*e, 1, rng)
		for i := range layers {
			layers[i] = denseRows(w, bias, i, e)
		}
		m.inWeight = w
		m.params = m.params.add("in_proj_weight", w, 3*e, e)
	} else {
		dims := [3]int{e, cfg.KDim, cfg.VDim}
		names := [3]string{"q_proj_weight", "k_proj_weight", "v_proj_weight"}
		for i := range layers {
			w := nn.NewParam(names[i], nn.NewMat(e, dims[i]))
			nn.XavierUniform(w.Value, dims[i], e, 1, rng)
			layers[i] = &nn.Dense{W: w}
			if bias != nil {
				layers[i].B = sliceParam(bias, i*e, e)
			}
			m.params = m.params.add(names[i], w, e, dims[i])
		}
	}
	if bias != nil {
		m.params = m.params.add("in_proj_bias", bias, 3*e)
	}
	out := nn.NewDense(e, e, rng)
	m.params = m.params.add("out_proj.weight", out.W, e, e)
	if cfg.NoBias {
		out.B = nil
	} else {
		out.B.Value.Zero()
		m.params = m.params.add("out_proj.bias", out.B, e)
	}
	m.q, m.k, m.v, m.out = newLinear(layers[0]), newLinear(layers[1]), newLinear(layers[2]), newLinear(out)
	m.linears = m.linears.add("q_proj", m.q).add("k_proj", m.k).add("v_proj", m.v).add("out_proj", m.out)
	return m
}

func (m *MultiHead) packed() bool {
	return m.cfg.KDim == m.cfg.EmbedDim && m.cfg.VDim == m.cfg.EmbedDim
}

// denseRows returns a Dense layer over rows [i·n, (i+1)·n) of w and the same
// slice of bias (if any), sharing their memory and gradients: the packed
// in_proj_weight holds the query, key and value projections one above the
// other.
func denseRows(w, bias *nn.Param, i, n int) *nn.Dense {
	cols := w.Value.Cols
	d := &nn.Dense{W: &nn.Param{
		Name:  w.Name,
		Value: nn.MatFrom(n, cols, w.Value.Data[i*n*cols:(i+1)*n*cols]),
		Grad:  nn.MatFrom(n, cols, w.Grad.Data[i*n*cols:(i+1)*n*cols]),
	}}
	if bias != nil {
		d.B = sliceParam(bias, i*n, n)
	}
	return d
}

// sliceParam views values [off, off+n) of the 1×N parameter p as a 1×n one.
func sliceParam(p *nn.Param, off, n int) *nn.Param {
	return &nn.Param{
		Name:  p.Name,
		Value: nn.MatFrom(1, n, p.Value.Data[off:off+n]),
		Grad:  nn.MatFrom(1, n, p.Grad.Data[off:off+n]),
	}
}

// Config returns the module's configuration, with KDim and VDim filled in.
func (m *MultiHead) Config() Config { return m.cfg }

// Parameters returns the module's parameters in nn.MultiheadAttention's
// state_dict order and names.
func (m *MultiHead) Parameters() []Parameter { return m.params.parameters() }

// LoadState copies weights exported from a PyTorch state_dict into the
// module. It checks every tensor first (all names present and known, shapes,
// lengths, finite values) and returns an error wrapping ErrStateKeys,
// ErrShape or ErrNonFinite without changing the module if any check fails.
func (m *MultiHead) LoadState(state map[string]Flat) error { return m.params.load(state) }

// ZeroGrad clears the gradients Backward accumulates, including those of
// layers set in place of the projections.
func (m *MultiHead) ZeroGrad() { nn.ZeroGrad(m.Params()) }

// syncFrozen freezes the q, k and v layers' views of in_proj_weight and
// in_proj_bias exactly when the packed parameters are frozen: the flags an
// optimiser and a caller see are on the packed tensors, as in PyTorch,
// where requires_grad belongs to the whole in_proj_weight.
func (m *MultiHead) syncFrozen() {
	for _, l := range []*linear{m.q, m.k, m.v} {
		if m.inWeight != nil {
			l.base.W.Frozen = m.inWeight.Frozen
		}
		if m.inBias != nil {
			l.base.B.Frozen = m.inBias.Frozen
		}
	}
}

// Forward attends from query (B, Lq, E) to key (B, Lk, KDim) and value
// (B, Lk, VDim), all Float32, and returns the output (B, Lq, E) and the
// weights opt asks for (nil otherwise). For self-attention pass the same
// tensor three times. With opt.ForBackward it records what Backward needs.
//
// It panics if the shapes do not conform, naming them.
func (m *MultiHead) Forward(query, key, value *tensor.Dense, mask Mask, opt Options) (out, weights *tensor.Dense) {
	qd, b, lq, e := sequences("query", query)
	kd, bk, lk, ke := sequences("key", key)
	vd, bv, lv, ve := sequences("value", value)
	if e != m.cfg.EmbedDim || ke != m.cfg.KDim || ve != m.cfg.VDim || bk != b || bv != b || lv != lk {
		panic(fmt.Sprintf("attention: MultiHead(E=%d, kdim=%d, vdim=%d): query %v, key %v, value %v do not conform",
			m.cfg.EmbedDim, m.cfg.KDim, m.cfg.VDim, query.Shape(), key.Shape(), value.Shape()))
	}
	m.rec = nil
	var q, k, v, y *nn.Mat
	var concat []float32
	if opt.ForBackward { // the layers keep their inputs for Backward
		q = m.q.forward(nn.MatFrom(b*lq, e, qd))
		k = m.k.forward(nn.MatFrom(b*lk, ke, kd))
		v = m.v.forward(nn.MatFrom(b*lk, ve, vd))
		concat = make([]float32, b*lq*e)
	} else {
		q = m.q.infer(qd, b*lq, &m.ws.q)
		k = m.k.infer(kd, b*lk, &m.ws.k)
		v = m.v.infer(vd, b*lk, &m.ws.v)
		concat = grow(&m.ws.concat, b*lq*e)
	}
	m.rotate(q, lq, 0, false)
	m.rotate(k, lk, 0, false)
	p := m.problem(m.heads(q.Data, lq), m.heads(k.Data, lk), m.heads(v.Data, lk), m.heads(concat, lq), b, mask.plan(b, m.cfg.NumHeads, lq, lk))
	opt.run(p)
	if opt.ForBackward {
		y = m.out.forward(nn.MatFrom(b*lq, e, concat))
		m.rec = &record{p: p, b: b, lq: lq, lk: lk}
	} else {
		y = m.out.infer(concat, b*lq, new([]float32))
	}
	if w := opt.weights(p); w != nil {
		if opt.Weights == PerHeadWeights {
			weights = newTensor(w, b, m.cfg.NumHeads, lq, lk)
		} else {
			weights = newTensor(w, b, lq, lk)
		}
	}
	return newTensor(y.Data, b, lq, e), weights
}

// problem sets up the attention of q against k and v for a batch of b,
// writing the concatenated heads into out.
func (m *MultiHead) problem(q, k, v, out heads, b int, mask *maskPlan) *problem {
	return &problem{
		batch: b, nHeads: m.cfg.NumHeads,
		q: q, k: k, v: v, out: out,
		scale: float32(1 / math.Sqrt(float64(q.cols))),
		mask:  mask,
	}
}

// heads views a (B·l, E) projection as its B·H heads of l×E/H.
func (m *MultiHead) heads(data []float32, l int) heads {
	return headColumns(data, l, m.cfg.EmbedDim/m.cfg.NumHeads, m.cfg.NumHeads)
}

// rotate applies the rotary position embedding, if configured, to the
// projected rows x of sequences of length l starting at position start.
func (m *MultiHead) rotate(x *nn.Mat, l, start int, inverse bool) {
	if m.cfg.Rotary == nil || x.Rows == 0 {
		return
	}
	d := m.cfg.EmbedDim / m.cfg.NumHeads
	cos, sin := m.cfg.Rotary.table(start, l, d)
	rotateRows(x.Data, x.Rows, x.Cols, d, l, cos, sin, inverse)
}

// Backward takes dL/dout (B, Lq, E) for the last Forward, which must have
// had ForBackward set, adds the parameter gradients into Parameters' Grad
// and returns dL/dquery, dL/dkey and dL/dvalue. For self-attention the
// input's gradient is their sum. The record is consumed: a second Backward
// needs a new Forward.
func (m *MultiHead) Backward(dOut *tensor.Dense) (dQuery, dKey, dValue *tensor.Dense) {
	rec := m.rec
	if rec == nil {
		panic("attention: MultiHead.Backward without a Forward with ForBackward")
	}
	dd, b, l, e := sequences("dOut", dOut)
	if b != rec.b || l != rec.lq || e != m.cfg.EmbedDim {
		panic(fmt.Sprintf("attention: MultiHead.Backward: dOut %v, output (%d, %d, %d)", dOut.Shape(), rec.b, rec.lq, m.cfg.EmbedDim))
	}
	m.rec = nil
	m.syncFrozen()
	dConcat := m.out.run.Backward(nn.MatFrom(b*l, e, dd))
	dq, dk, dv := nn.NewMat(b*rec.lq, e), nn.NewMat(b*rec.lk, e), nn.NewMat(b*rec.lk, e)
	rec.p.backward(m.heads(dConcat.Data, rec.lq), m.heads(dq.Data, rec.lq), m.heads(dk.Data, rec.lk), m.heads(dv.Data, rec.lk))
	m.rotate(dq, rec.lq, 0, true)
	m.rotate(dk, rec.lk, 0, true)
	dQ, dK, dV := m.q.run.Backward(dq), m.k.run.Backward(dk), m.v.run.Backward(dv)
	return newTensor(dQ.Data, b, rec.lq, e), newTensor(dK.Data, b, rec.lk, m.cfg.KDim), newTensor(dV.Data, b, rec.lk, m.cfg.VDim)
}
