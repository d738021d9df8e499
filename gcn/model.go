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
// nodes only.
//
// A Model owns its activations: the matrices Forward and Hidden return are
// overwritten by the next Forward, which is what keeps a training epoch free
// of allocations. It is not safe for concurrent use.
type Model struct {
	Conv1, Conv2 *GCNConv
	P            float64 // dropout probability
	rng          *rand.Rand

	xdrop  []float32 // dropped-out feature values
	hidden *nn.Mat   // ReLU(first layer)
	hdrop  *nn.Mat   // dropout(hidden), the second layer's input
	logits *nn.Mat
	dh     *nn.Mat
}

// NewModel returns a features→hidden→classes GCN over the normalised
// adjacency adj, with dropout probability p in [0, 1) and its masks and
// initial weights drawn from rng.
func NewModel(adj *CSR, features, hidden, classes int, p float64, rng *rand.Rand) *Model {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("gcn: NewModel: dropout %g outside [0, 1)", p))
	}
	n := adj.Rows
	return &Model{
		Conv1:  NewGCNConv(adj, features, hidden, rng),
		Conv2:  NewGCNConv(adj, hidden, classes, rng),
		P:      p,
		rng:    rng,
		hidden: nn.NewMat(n, hidden),
		hdrop:  nn.NewMat(n, hidden),
		logits: nn.NewMat(n, classes),
		dh:     nn.NewMat(n, hidden),
	}
}

// Forward returns the logits of every node for features x (nodes × features),
// with dropout when train is set. x is kept (not copied) for Backward.
func (m *Model) Forward(x *CSR, train bool) *nn.Mat {
	drop := train && m.P > 0
	if drop {
		if cap(m.xdrop) < x.NNZ() {
			m.xdrop = make([]float32, x.NNZ())
		}
		dropout(m.xdrop, x.Values, m.P, m.rng)
		x = x.WithValues(m.xdrop[:x.NNZ()])
	}
	m.Conv1.forwardSparseInto(m.hidden, x)
	for i, v := range m.hidden.Data {
		m.hidden.Data[i] = max(v, 0)
	}
	in := m.hidden
	if drop {
		dropout(m.hdrop.Data, m.hidden.Data, m.P, m.rng)
		in = m.hdrop
	}
	m.Conv2.forwardInto(m.logits, in)
	return m.logits
}

// Backward takes dL/dlogits for the last Forward and adds every parameter's
// gradient.
func (m *Model) Backward(dlogits *nn.Mat) {
	m.Conv2.backwardInto(m.dh, dlogits)
	// The second layer's input is positive exactly where the ReLU was active
	// and dropout kept the unit, so it alone gives the mask; kept units were
	// scaled by 1/(1−p) on the way in and their gradients are too.
	in, scale := m.Conv2.x, float32(1)
	if in == m.hdrop {
		scale = float32(1 / (1 - m.P))
	}
	for i, v := range in.Data {
		if v > 0 {
			m.dh.Data[i] *= scale
		} else {
			m.dh.Data[i] = 0
		}
	}
	m.Conv1.backwardInto(nil, m.dh)
}

// Hidden returns the hidden layer of the last Forward (after the ReLU,
// before dropout): the node embeddings the lesson projects to 2-D.
func (m *Model) Hidden() *nn.Mat { return m.hidden }

// Params returns the parameters of both layers, the first layer's first.
func (m *Model) Params() []*nn.Param {
	return append(m.Conv1.Params(), m.Conv2.Params()...)
}
