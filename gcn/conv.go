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
// ("lin.weight", Glorot-uniform) and b is 1×out ("bias", zeros); set B to nil
// for a layer without bias, as in the paper's code. The input is
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

	x  *nn.Mat // dense input of the last forward
	xs *CSR    // sparse input of the last forward

	// Scratch reused across calls: Wᵀ for the sparse products, the
	// transformed input Z = x Wᵀ and its gradient, and compact copies for
	// dense products on a subset of rows.
	wt, z, dz       *nn.Mat
	xc, zc, dzc, dd []float32
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
	c.forward(y, x, nil, nil)
	return y
}

// ForwardSparse returns Â x Wᵀ + b for sparse node features x, which the
// layer keeps (not copies) until the next forward.
func (c *GCNConv) ForwardSparse(x *CSR) *nn.Mat {
	y := nn.NewMat(c.adj.Rows, c.Out())
	c.forwardSparse(y, x, nil, nil)
	return y
}

// Backward adds dW = (Âᵀ dy)ᵀ x and db = Σ dy to the gradients (unless
// frozen) and returns dx = Âᵀ dy W, or nil after ForwardSparse.
func (c *GCNConv) Backward(dy *nn.Mat) *nn.Mat {
	var dx *nn.Mat
	if c.x != nil {
		dx = nn.NewMat(c.x.Rows, c.In())
	}
	c.backward(dx, dy, nil, nil)
	return dx
}

// Params returns W and, if present, b.
func (c *GCNConv) Params() []*nn.Param {
	if c.B == nil {
		return []*nn.Param{c.W}
	}
	return []*nn.Param{c.W, c.B}
}

// forward sets z = x Wᵀ on the rows zRows and y = Â z + b on the rows yRows
// (nil: all rows); Â's rows yRows must only reach into zRows.
func (c *GCNConv) forward(y, x *nn.Mat, zRows, yRows []int) {
	if x.Rows != c.adj.Rows || x.Cols != c.In() {
		panic(fmt.Sprintf("gcn: GCNConv forward: input %s, adjacency %s, weight %s", x.Shape(), c.adj.Shape(), c.W.Value.Shape()))
	}
	c.x, c.xs = x, nil
	c.z = reuse(c.z, x.Rows, c.Out())
	if zRows == nil {
		nn.Gemm(false, true, 1, x, c.W.Value, 0, c.z)
	} else {
		xc, zc := view(&c.xc, len(zRows), c.In()), view(&c.zc, len(zRows), c.Out())
		gatherRows(xc, x, zRows)
		nn.Gemm(false, true, 1, xc, c.W.Value, 0, zc)
		scatterRows(c.z, zc, zRows)
	}
	c.propagate(y, yRows)
}

// forwardSparse is forward for sparse x.
func (c *GCNConv) forwardSparse(y *nn.Mat, x *CSR, zRows, yRows []int) {
	if x.Rows != c.adj.Rows || x.Cols != c.In() {
		panic(fmt.Sprintf("gcn: GCNConv forward: sparse input %s, adjacency %s, weight %s", x.Shape(), c.adj.Shape(), c.W.Value.Shape()))
	}
	c.x, c.xs = nil, x
	c.wt = reuse(c.wt, c.In(), c.Out())
	transposeInto(c.wt, c.W.Value)
	c.z = reuse(c.z, x.Rows, c.Out())
	x.mulDenseRows(c.z, c.wt, zRows)
	c.propagate(y, yRows)
}

// propagate sets y = Â z + b on the rows listed (nil: all).
func (c *GCNConv) propagate(y *nn.Mat, rows []int) {
	c.adj.mulDenseRows(y, c.z, rows)
	if c.B != nil {
		b := c.B.Value.Data
		eachRow(rows, y.Rows, func(i int) { axpy(y.Row(i), 1, b) })
	}
}

// backward adds the parameter gradients and, unless dx is nil, sets dx on
// the rows dzRows. dy must be zero outside dyRows, and dzRows must hold
// every row Âᵀ's rows reach from dyRows (nil: all rows).
func (c *GCNConv) backward(dx, dy *nn.Mat, dyRows, dzRows []int) {
	if c.x == nil && c.xs == nil {
		panic("gcn: GCNConv backward before forward")
	}
	if dy.Rows != c.adj.Rows || dy.Cols != c.Out() {
		panic(fmt.Sprintf("gcn: GCNConv backward: dy %s, output %d×%d", dy.Shape(), c.adj.Rows, c.Out()))
	}
	if c.B != nil && !c.B.Frozen {
		g := c.B.Grad.Data
		eachRow(dyRows, dy.Rows, func(i int) { axpy(g, 1, dy.Row(i)) })
	}
	c.dz = reuse(c.dz, dy.Rows, dy.Cols)
	c.adjT.mulDenseRows(c.dz, dy, dzRows)
	if c.xs != nil {
		if !c.W.Frozen {
			dwt := view(&c.dd, c.In(), c.Out())
			c.xs.mulTransDenseRows(dwt, c.dz, dzRows)
			g := c.W.Grad
			for i := 0; i < dwt.Rows; i++ {
				for j, v := range dwt.Row(i) {
					g.Data[j*g.Cols+i] += v
				}
			}
		}
		return
	}
	dz, x := c.dz, c.x
	if dzRows != nil {
		dz = view(&c.dzc, len(dzRows), c.Out())
		gatherRows(dz, c.dz, dzRows)
		x = view(&c.xc, len(dzRows), c.In())
		gatherRows(x, c.x, dzRows)
	}
	if !c.W.Frozen {
		nn.Gemm(true, false, 1, dz, x, 1, c.W.Grad)
	}
	if dx == nil {
		return
	}
	if dzRows == nil {
		nn.Gemm(false, false, 1, dz, c.W.Value, 0, dx)
		return
	}
	dxc := view(&c.xc, len(dzRows), c.In())
	nn.Gemm(false, false, 1, dz, c.W.Value, 0, dxc)
	scatterRows(dx, dxc, dzRows)
}

// reuse returns m if it is rows×cols, else a new zeroed matrix of that shape.
func reuse(m *nn.Mat, rows, cols int) *nn.Mat {
	if m != nil && m.Rows == rows && m.Cols == cols {
		return m
	}
	return nn.NewMat(rows, cols)
}

// view returns a rows×cols matrix over *buf, growing it when needed. The
// contents are unspecified.
func view(buf *[]float32, rows, cols int) *nn.Mat {
	if cap(*buf) < rows*cols {
		*buf = make([]float32, rows*cols)
	}
	return nn.MatFrom(rows, cols, (*buf)[:rows*cols])
}

// transposeInto writes mᵀ into dst.
func transposeInto(dst, m *nn.Mat) {
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			dst.Data[j*dst.Cols+i] = v
		}
	}
}
