package gcn

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
)

// GCNConv is one graph convolution of Kipf & Welling,
//
//	H' = Â H Wᵀ + b,
//
// with PyG's GCNConv parameter layout and initialisation: W is out×in
// ("lin.weight", Glorot-uniform) and b is 1×out ("bias", zeros). The input is
// transformed first and then propagated, Â (H Wᵀ), which is the cheaper order
// whenever out < in.
//
// Forward takes dense node features and ForwardSparse sparse ones (a bag of
// words), whose product with W costs NNZ·out instead of rows·in·out.
// Backward adds dL/dW and dL/db into the parameters' gradients and returns
// dL/dH, or nil after ForwardSparse: sparse inputs are data, and skipping
// their gradient is most of the saving. A GCNConv caches its last input and
// reuses scratch space, so it is not safe for concurrent use.
type GCNConv struct {
	W, B      *nn.Param
	adj, adjT *CSR

	x  *nn.Mat // dense input of the last Forward
	xs *CSR    // sparse input of the last ForwardSparse

	// Scratch reused across calls: Wᵀ for the sparse products, the
	// transformed input Z = x Wᵀ, its gradient, and Wᵀ's gradient.
	wt, z, dz, dwt *nn.Mat
}

// NewGCNConv returns an in→out convolution over the normalised adjacency adj
// (from Graph.Normalized; shared, not copied, so several layers can use one).
func NewGCNConv(adj *CSR, in, out int, rng *rand.Rand) *GCNConv {
	if adj.Rows != adj.Cols {
		panic(fmt.Sprintf("gcn: NewGCNConv: adjacency %s is not square", adj.Shape()))
	}
	w := nn.NewMat(out, in)
	nn.XavierUniform(w, in, out, 1, rng)
	return &GCNConv{
		W:    nn.NewParam("lin.weight", w),
		B:    nn.NewParam("bias", nn.NewMat(1, out)),
		adj:  adj,
		adjT: adj.Transpose(),
	}
}

// In is the number of input features.
func (c *GCNConv) In() int { return c.W.Value.Cols }

// Out is the number of output features.
func (c *GCNConv) Out() int { return c.W.Value.Rows }

// Forward returns Â x Wᵀ + b for dense node features x (one row per node),
// which the layer keeps (not copies) until the next forward. train is
// unused: the layer behaves the same in training and evaluation.
func (c *GCNConv) Forward(x *nn.Mat, train bool) *nn.Mat {
	y := nn.NewMat(c.adj.Rows, c.Out())
	c.forwardInto(y, x)
	return y
}

// ForwardSparse returns Â x Wᵀ + b for sparse node features x, which the
// layer keeps (not copies) until the next forward.
func (c *GCNConv) ForwardSparse(x *CSR) *nn.Mat {
	y := nn.NewMat(c.adj.Rows, c.Out())
	c.forwardSparseInto(y, x)
	return y
}

func (c *GCNConv) forwardInto(y, x *nn.Mat) {
	if x.Rows != c.adj.Rows || x.Cols != c.In() {
		panic(fmt.Sprintf("gcn: GCNConv forward: input %s, adjacency %s, weight %s", x.Shape(), c.adj.Shape(), c.W.Value.Shape()))
	}
	c.x, c.xs = x, nil
	c.z = reuse(c.z, x.Rows, c.Out())
	nn.Gemm(false, true, 1, x, c.W.Value, 0, c.z)
	c.propagate(y)
}

func (c *GCNConv) forwardSparseInto(y *nn.Mat, x *CSR) {
	if x.Rows != c.adj.Rows || x.Cols != c.In() {
		panic(fmt.Sprintf("gcn: GCNConv forward: sparse input %s, adjacency %s, weight %s", x.Shape(), c.adj.Shape(), c.W.Value.Shape()))
	}
	c.x, c.xs = nil, x
	c.wt = reuse(c.wt, c.In(), c.Out())
	transposeInto(c.wt, c.W.Value)
	c.z = reuse(c.z, x.Rows, c.Out())
	x.MulDense(c.z, c.wt)
	c.propagate(y)
}

// propagate sets y = Â z + b.
func (c *GCNConv) propagate(y *nn.Mat) {
	c.adj.MulDense(y, c.z)
	b := c.B.Value.Data
	for i := 0; i < y.Rows; i++ {
		axpy(y.Row(i), 1, b)
	}
}

// Backward adds dW = (Âᵀ dy)ᵀ x and db = Σ dy to the gradients (unless
// frozen) and returns dx = Âᵀ dy W, or nil after ForwardSparse.
func (c *GCNConv) Backward(dy *nn.Mat) *nn.Mat {
	var dx *nn.Mat
	if c.x != nil {
		dx = nn.NewMat(c.x.Rows, c.In())
	}
	c.backwardInto(dx, dy)
	return dx
}

// backwardInto adds the parameter gradients and, unless dx is nil, sets dx.
func (c *GCNConv) backwardInto(dx, dy *nn.Mat) {
	if c.x == nil && c.xs == nil {
		panic("gcn: GCNConv backward before forward")
	}
	if dy.Rows != c.adj.Rows || dy.Cols != c.Out() {
		panic(fmt.Sprintf("gcn: GCNConv backward: dy %s, output %d×%d", dy.Shape(), c.adj.Rows, c.Out()))
	}
	if !c.B.Frozen {
		g := c.B.Grad.Data
		for i := 0; i < dy.Rows; i++ {
			axpy(g, 1, dy.Row(i))
		}
	}
	c.dz = reuse(c.dz, dy.Rows, dy.Cols)
	c.adjT.MulDense(c.dz, dy)
	if c.xs != nil {
		if !c.W.Frozen {
			c.dwt = reuse(c.dwt, c.In(), c.Out())
			c.xs.MulTransDense(c.dwt, c.dz)
			g := c.W.Grad
			for i := 0; i < c.dwt.Rows; i++ {
				for j, v := range c.dwt.Row(i) {
					g.Data[j*g.Cols+i] += v
				}
			}
		}
		return
	}
	if !c.W.Frozen {
		nn.Gemm(true, false, 1, c.dz, c.x, 1, c.W.Grad)
	}
	if dx != nil {
		nn.Gemm(false, false, 1, c.dz, c.W.Value, 0, dx)
	}
}

// Params returns W and b.
func (c *GCNConv) Params() []*nn.Param { return []*nn.Param{c.W, c.B} }

// reuse returns m if it is rows×cols, else a new zeroed matrix of that shape.
func reuse(m *nn.Mat, rows, cols int) *nn.Mat {
	if m != nil && m.Rows == rows && m.Cols == cols {
		return m
	}
	return nn.NewMat(rows, cols)
}

// transposeInto writes mᵀ into dst.
func transposeInto(dst, m *nn.Mat) {
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			dst.Data[j*dst.Cols+i] = v
		}
	}
}
