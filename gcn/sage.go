package gcn

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
)

// SAGEConv is GraphSAGE with mean aggregation (Hamilton, Ying & Leskovec,
// "Inductive Representation Learning on Large Graphs", NeurIPS 2017) in
// PyG's SAGEConv form:
//
//	hᵢ' = W_l · mean_{j ∈ N(i)} hⱼ + b + W_r · hᵢ.
//
// Unlike GCN it keeps a node's own features apart from its neighbours'
// (the "root weight" W_r) instead of mixing them through a self-loop, and it
// needs no normalised adjacency, so it applies to nodes unseen in training.
// Lin is PyG's lin_l (with the bias) and Root is lin_r (no bias); both are
// nn.Dense with torch.nn.Linear's initialisation. Not safe for concurrent use.
type SAGEConv struct {
	Lin, Root *nn.Dense
	agg       MessagePassing
}

// NewSAGEConv returns an in→out GraphSAGE-mean layer on g.
func NewSAGEConv(g *Graph, in, out int, rng *rand.Rand) *SAGEConv {
	root := nn.NewDense(in, out, rng)
	root.B = nil
	return &SAGEConv{Lin: nn.NewDense(in, out, rng), Root: root, agg: MessagePassing{Graph: g, Aggr: Mean}}
}

// Forward returns mean-aggregated neighbours through Lin plus x through Root.
func (s *SAGEConv) Forward(x *nn.Mat, train bool) *nn.Mat {
	if x.Cols != s.Lin.In() {
		panic(fmt.Sprintf("gcn: SAGEConv forward: input %s, weight %s", x.Shape(), s.Lin.W.Value.Shape()))
	}
	y := s.Lin.Forward(s.agg.Forward(x, train), train)
	r := s.Root.Forward(x, train)
	axpy(y.Data, 1, r.Data)
	return y
}

// Backward adds the gradients of both linear maps and returns dL/dx through
// the neighbour path and the root path.
func (s *SAGEConv) Backward(dy *nn.Mat) *nn.Mat {
	dx := s.agg.Backward(s.Lin.Backward(dy))
	axpy(dx.Data, 1, s.Root.Backward(dy).Data)
	return dx
}

// Params returns lin_l's weight and bias and lin_r's weight.
func (s *SAGEConv) Params() []*nn.Param {
	return []*nn.Param{s.Lin.W, s.Lin.B, s.Root.W}
}
