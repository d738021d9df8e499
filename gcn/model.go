package gcn

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
)

// Model is the two-layer GCN of Kipf & Welling for node classification:
//
//	Z = Â · dropout(ReLU(Â · dropout(X) · W₁ᵀ + b₁)) · W₂ᵀ + b₂,
//
// with dropout applied to the sparse input features (on their stored
// entries) and to the hidden layer, as the paper's code does. Z holds one row
// of class logits per node; the loss is the cross-entropy on the labelled
// nodes only. NewModel gives both layers PyG's biases; the paper's code has
// none (Train removes them unless Options.Bias is set).
//
// A Model owns its activations: the matrices Forward and Hidden return are
// overwritten by the next Forward, which is what keeps a training epoch free
// of allocations. It is not safe for concurrent use.
type Model struct {
	Conv1, Conv2 *GCNConv
	P            float64 // dropout probability

	masks  *rand.ChaCha8 // dropout masks
	plan   rowPlan       // rows computed by the last forward
	xdrop  []float32     // dropped-out feature values
	hidden *nn.Mat       // ReLU(first layer)
	hdrop  *nn.Mat       // dropout(hidden), the second layer's input
	logits *nn.Mat
	dh     *nn.Mat
}

// NewModel returns a features→hidden→classes GCN over the normalised
// adjacency adj, with dropout probability p in [0, 1). Initial weights come
// from rng, and so does the seed of the dropout masks' generator.
func NewModel(adj *CSR, features, hidden, classes int, p float64, rng *rand.Rand) *Model {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("gcn: NewModel: dropout %g outside [0, 1)", p))
	}
	n := adj.Rows
	m := &Model{
		Conv1:  NewGCNConv(adj, features, hidden, rng),
		Conv2:  NewGCNConv(adj, hidden, classes, rng),
		P:      p,
		hidden: nn.NewMat(n, hidden),
		hdrop:  nn.NewMat(n, hidden),
		logits: nn.NewMat(n, classes),
		dh:     nn.NewMat(n, hidden),
	}
	m.seedMasks(rng)
	return m
}

// seedMasks restarts the dropout generator from a seed drawn from rng.
// ChaCha8 rather than the PCG behind rng: the masks take two thirds of the
// random numbers of an epoch and ChaCha8 makes them in bulk.
func (m *Model) seedMasks(rng *rand.Rand) {
	var seed [32]byte
	for i := range 4 {
		v := rng.Uint64()
		for k := range 8 {
			seed[8*i+k] = byte(v >> (8 * k))
		}
	}
	m.masks = rand.NewChaCha8(seed)
}

// Forward returns the logits of every node for features x (nodes × features),
// with dropout when train is set. x is kept (not copied) for Backward.
func (m *Model) Forward(x *CSR, train bool) *nn.Mat {
	m.forward(x, train, rowPlan{})
	return m.logits
}

// forward computes the rows of the plan only: the logits of plan.out are
// exact, the other rows of the activations are stale.
func (m *Model) forward(x *CSR, train bool, plan rowPlan) {
	m.plan = plan
	drop := train && m.P > 0
	if drop {
		if cap(m.xdrop) < x.NNZ() {
			m.xdrop = make([]float32, x.NNZ())
		}
		vals := m.xdrop[:x.NNZ()]
		eachRow(plan.input, x.Rows, func(i int) {
			lo, hi := x.Indptr[i], x.Indptr[i+1]
			dropout(vals[lo:hi], x.Values[lo:hi], m.P, m.masks)
		})
		x = x.WithValues(vals)
	}
	m.Conv1.forwardSparse(m.hidden, x, plan.input, plan.hidden)
	in := m.hidden
	if drop {
		in = m.hdrop
	}
	eachRow(plan.hidden, m.hidden.Rows, func(i int) {
		h := m.hidden.Row(i)
		for k, v := range h {
			h[k] = max(v, 0)
		}
		if drop {
			dropout(m.hdrop.Row(i), h, m.P, m.masks)
		}
	})
	m.Conv2.forward(m.logits, in, plan.hidden, plan.out)
}

// Backward takes dL/dlogits for the last Forward and adds every parameter's
// gradient. dlogits must be zero outside the rows the last forward computed.
func (m *Model) Backward(dlogits *nn.Mat) {
	p := m.plan
	m.dh.Zero()
	m.Conv2.backward(m.dh, dlogits, p.out, p.hidden)
	// The second layer's input is positive exactly where the ReLU was active
	// and dropout kept the unit, so it alone gives the mask; kept units were
	// scaled by 1/(1−p) on the way in and their gradients are too.
	in, scale := m.Conv2.x, float32(1)
	if in == m.hdrop {
		scale = float32(1 / (1 - m.P))
	}
	eachRow(p.hidden, m.dh.Rows, func(i int) {
		d, h := m.dh.Row(i), in.Row(i)
		for k, v := range h {
			if v > 0 {
				d[k] *= scale
			} else {
				d[k] = 0
			}
		}
	})
	m.Conv1.backward(nil, m.dh, p.hidden, p.input)
}

// Hidden returns the hidden layer of the last Forward (after the ReLU,
// before dropout): the node embeddings the lesson projects to 2-D.
func (m *Model) Hidden() *nn.Mat { return m.hidden }

// Params returns the parameters of both layers, the first layer's first.
func (m *Model) Params() []*nn.Param {
	return append(m.Conv1.Params(), m.Conv2.Params()...)
}
