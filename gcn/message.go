package gcn

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/nn"
)

// Aggregation is how a message-passing step combines the messages a node
// receives.
type Aggregation int

const (
	// Sum adds the messages: it counts, so high-degree nodes get large
	// outputs (GIN's choice; the most expressive of the three).
	Sum Aggregation = iota
	// Mean averages them: invariant to degree (GraphSAGE-mean).
	Mean
	// Max takes the feature-wise maximum: picks out salient neighbours
	// (GraphSAGE-pool).
	Max
)

func (a Aggregation) String() string {
	switch a {
	case Sum:
		return "sum"
	case Mean:
		return "mean"
	case Max:
		return "max"
	}
	return fmt.Sprintf("Aggregation(%d)", int(a))
}

// MessagePassing is the generic step every layer in this package is an
// instance of: each node receives its in-neighbours' feature rows as messages
// and aggregates them,
//
//	hᵢ' = AGG_{j ∈ N(i)} hⱼ,
//
// with no parameters (compose it with nn.Dense for learnable messages and
// updates, as SAGEConv does). N(i) excludes i itself; a node with no
// in-neighbours gets a zero row under every aggregation, as PyG's scatter
// does. Under Max, the gradient of each output goes to one winner, the first
// neighbour in node order that attains the maximum (ties have probability
// zero for real-valued features).
// A MessagePassing caches its last forward and is not safe for concurrent use.
type MessagePassing struct {
	Graph *Graph
	Aggr  Aggregation

	rows   int
	argmax []int32 // per output element under Max: the winning neighbour, −1 for none
}

// Forward aggregates the rows of x (one per node).
func (m *MessagePassing) Forward(x *nn.Mat, train bool) *nn.Mat {
	g := m.Graph
	if x.Rows != g.Nodes() {
		panic(fmt.Sprintf("gcn: MessagePassing forward: input %s for %d nodes", x.Shape(), g.Nodes()))
	}
	m.rows = x.Rows
	n := x.Cols
	y := nn.NewMat(x.Rows, n)
	if m.Aggr == Max {
		if cap(m.argmax) < len(y.Data) {
			m.argmax = make([]int32, len(y.Data))
		}
		m.argmax = m.argmax[:len(y.Data)]
	}
	for i := 0; i < g.Nodes(); i++ {
		out := y.Row(i)
		nbrs := g.InNeighbors(i)
		switch m.Aggr {
		case Sum, Mean:
			for _, j := range nbrs {
				axpy(out, 1, x.Row(int(j)))
			}
			if m.Aggr == Mean && len(nbrs) > 0 {
				inv := 1 / float32(len(nbrs))
				for k := range out {
					out[k] *= inv
				}
			}
		case Max:
			arg := m.argmax[i*n : (i+1)*n]
			for k := range arg {
				arg[k] = -1
			}
			for _, j := range nbrs {
				for k, v := range x.Row(int(j)) {
					if arg[k] < 0 || v > out[k] {
						out[k], arg[k] = v, j
					}
				}
			}
		default:
			panic(fmt.Sprintf("gcn: MessagePassing: unknown aggregation %d", int(m.Aggr)))
		}
	}
	return y
}

// Backward returns dL/dx: each output's gradient flows back to the messages
// that formed it (all of them for Sum, divided by the degree for Mean, the
// winner's for Max).
func (m *MessagePassing) Backward(dy *nn.Mat) *nn.Mat {
	g := m.Graph
	if m.rows == 0 && g.Nodes() > 0 {
		panic("gcn: MessagePassing backward before forward")
	}
	if dy.Rows != g.Nodes() || (m.Aggr == Max && len(dy.Data) != len(m.argmax)) {
		panic(fmt.Sprintf("gcn: MessagePassing backward: dy %s does not match the last forward", dy.Shape()))
	}
	n := dy.Cols
	dx := nn.NewMat(dy.Rows, n)
	for i := 0; i < g.Nodes(); i++ {
		d := dy.Row(i)
		nbrs := g.InNeighbors(i)
		switch m.Aggr {
		case Sum, Mean:
			scale := float32(1)
			if m.Aggr == Mean && len(nbrs) > 0 {
				scale = 1 / float32(len(nbrs))
			}
			for _, j := range nbrs {
				axpy(dx.Row(int(j)), scale, d)
			}
		case Max:
			for k, j := range m.argmax[i*n : (i+1)*n] {
				if j >= 0 {
					dx.Data[int(j)*n+k] += d[k]
				}
			}
		}
	}
	return dx
}

// Params returns nil: aggregation has no parameters.
func (m *MessagePassing) Params() []*nn.Param { return nil }
