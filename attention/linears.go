package attention

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/nn"
)

// linear is one of a module's linear layers. base holds the weights the
// module's state_dict names (for the packed input projections, views into
// rows of in_proj_weight); run is the layer that computes the projection:
// base itself, unless SetChild put another layer there, typically one that
// wraps base and adds to it, as a LoRA adapter does.
type linear struct {
	base *nn.Dense
	run  nn.Layer
}

func newLinear(base *nn.Dense) *linear { return &linear{base: base, run: base} }

// replaced reports whether a layer other than base runs the projection.
func (l *linear) replaced() bool { return l.run != nn.Layer(l.base) }

// forward runs the projection for a backward pass (train = true, which
// turns on a replacement's dropout).
func (l *linear) forward(x *nn.Mat) *nn.Mat { return l.run.Forward(x, true) }

// infer runs the projection of the rows×In matrix x for inference. The base
// layer writes into *buf (grown as needed) without keeping x; a replacement
// runs its own Forward.
func (l *linear) infer(x []float32, rows int, buf *[]float32) *nn.Mat {
	if l.replaced() {
		return l.run.Forward(nn.MatFrom(rows, l.base.In(), x), false)
	}
	return project(l.base, x, rows, buf)
}

// namedLinear is a linear layer with its dotted path in a module.
type namedLinear struct {
	path string
	l    *linear
}

// linearList is a module's linear layers in state_dict order.
type linearList []namedLinear

func (ls linearList) add(path string, l *linear) linearList {
	return append(ls, namedLinear{path, l})
}

// prefixed returns ls with prefix prepended to every path, as a parent
// module names a child's layers.
func (ls linearList) prefixed(prefix string) linearList {
	out := make(linearList, len(ls))
	for i, n := range ls {
		out[i] = namedLinear{prefix + n.path, n.l}
	}
	return out
}

func (ls linearList) children() []nn.Child {
	out := make([]nn.Child, len(ls))
	for i, n := range ls {
		out[i] = nn.Child{Name: n.path, Layer: n.l.run}
	}
	return out
}

// set puts layer in place of the linear layer at path, or back to the
// module's own Dense if layer is that Dense, and reports whether path
// exists.
func (ls linearList) set(path string, layer nn.Layer) bool {
	if layer == nil {
		panic(fmt.Sprintf("attention: SetChild(%q, nil)", path))
	}
	for _, n := range ls {
		if n.path == path {
			n.l.run = layer
			return true
		}
	}
	return false
}

// params returns the module's own parameters (own, in state_dict order)
// followed by those of the layers put in place of its linear layers, less
// the base weights those layers wrap, so that no value is listed twice.
func (ls linearList) params(own paramList) []*nn.Param {
	out := own.nn()
	for _, n := range ls {
		if !n.l.replaced() {
			continue
		}
		for _, p := range n.l.run.Params() {
			if p != n.l.base.W && p != n.l.base.B {
				out = append(out, p)
			}
		}
	}
	return out
}

// Children returns the module's linear layers by their dotted paths:
// "q_proj", "k_proj" and "v_proj", the query, key and value projections
// (row blocks 0, 1 and 2 of in_proj_weight and in_proj_bias when they are
// packed), and "out_proj". With SetChild and Params it makes the module
// look like an nn.Container, less Forward and Backward, so that a package
// transforming models, such as lora, can find and wrap the projections
// without this package knowing of it.
func (m *MultiHead) Children() []nn.Child { return m.linears.children() }

// SetChild puts layer in place of the linear layer at path (see Children)
// and reports whether there is one. layer must map the same widths; it is
// meant to wrap the layer it replaces (as a LoRA adapter does), whose
// weights stay the module's state_dict. Forward runs it with train = true
// when recording for Backward, false otherwise. Setting the original layer
// back restores the module. It panics if layer is nil.
func (m *MultiHead) SetChild(path string, layer nn.Layer) bool { return m.linears.set(path, layer) }

// Params returns the parameters an optimiser updates: the state_dict's (as
// Parameters lists them), then those that layers set in place of the linear
// layers add. Freeze in_proj_weight (or in_proj_bias) to freeze the q, k and
// v projections' weights (biases) together: in PyTorch too requires_grad
// belongs to the whole packed tensor.
func (m *MultiHead) Params() []*nn.Param { return m.linears.params(m.params) }

// Children returns the block's linear layers by their dotted paths:
// "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
// "self_attn.out_proj", "linear1" and "linear2" (see MultiHead.Children).
func (blk *EncoderBlock) Children() []nn.Child { return blk.linears.children() }

// SetChild puts layer in place of the linear layer at path; see
// MultiHead.SetChild.
func (blk *EncoderBlock) SetChild(path string, layer nn.Layer) bool {
	return blk.linears.set(path, layer)
}

// Params returns the parameters an optimiser updates; see MultiHead.Params.
func (blk *EncoderBlock) Params() []*nn.Param { return blk.linears.params(blk.params) }

// Children returns the model's linear layers by their dotted paths:
// "layers.<i>.self_attn.q_proj" … "layers.<i>.linear2" for each block i
// (see EncoderBlock.Children), then "head".
func (t *Tagger) Children() []nn.Child { return t.linears.children() }

// SetChild puts layer in place of the linear layer at path; see
// MultiHead.SetChild.
func (t *Tagger) SetChild(path string, layer nn.Layer) bool { return t.linears.set(path, layer) }

// Params returns the parameters Fit trains unless they are frozen; see
// MultiHead.Params.
func (t *Tagger) Params() []*nn.Param { return t.linears.params(t.params) }
