package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dense is an affine layer y = x Wᵀ + b with torch.nn.Linear's layout:
// W is Out×In and b is 1×Out (nil when the layer has no bias).
type Dense struct {
	W, B *Param
	x    *Mat
}

// NewDense returns an in→out layer with a bias, initialised as torch.nn.Linear:
// W ~ Kaiming-uniform(a = √5) and b ~ U(−1/√in, 1/√in).
func NewDense(in, out int, rng *rand.Rand) *Dense {
	w := NewMat(out, in)
	KaimingUniform(w, in, math.Sqrt(5), rng)
	b := NewMat(1, out)
	bound := 0.0
	if in > 0 {
		bound = 1 / math.Sqrt(float64(in))
	}
	Uniform(b, -bound, bound, rng)
	return &Dense{W: NewParam("weight", w), B: NewParam("bias", b)}
}

// In is the number of input features.
func (d *Dense) In() int { return d.W.Value.Cols }

// Out is the number of output features.
func (d *Dense) Out() int { return d.W.Value.Rows }

// Forward returns x Wᵀ + b.
func (d *Dense) Forward(x *Mat, train bool) *Mat {
	if x.Cols != d.In() {
		panic(fmt.Sprintf("nn: Dense forward: input %s, weight %s", x.Shape(), d.W.Value.Shape()))
	}
	d.x = x
	y := NewMat(x.Rows, d.Out())
	if d.B != nil {
		for i := 0; i < y.Rows; i++ {
			copy(y.Row(i), d.B.Value.Data)
		}
	}
	Gemm(false, true, 1, x, d.W.Value, 1, y)
	return y
}

// Backward adds the parameter gradients (see BackwardParams) and returns dy W.
func (d *Dense) Backward(dy *Mat) *Mat {
	d.BackwardParams(dy)
	dx := NewMat(dy.Rows, d.In())
	Gemm(false, false, 1, dy, d.W.Value, 0, dx)
	return dx
}

// BackwardParams adds dW = dyᵀ x and db = Σ dy (each unless frozen) without
// computing the input gradient.
func (d *Dense) BackwardParams(dy *Mat) {
	if d.x == nil {
		panic("nn: Dense backward before forward")
	}
	if dy.Rows != d.x.Rows || dy.Cols != d.Out() {
		panic(fmt.Sprintf("nn: Dense backward: dy %s, output %d×%d", dy.Shape(), d.x.Rows, d.Out()))
	}
	if !d.W.Frozen {
		Gemm(true, false, 1, dy, d.x, 1, d.W.Grad)
	}
	if d.B != nil && !d.B.Frozen {
		g := d.B.Grad.Data
		for i := 0; i < dy.Rows; i++ {
			for j, v := range dy.Row(i) {
				g[j] += v
			}
		}
	}
}

// Params returns W and, if present, b.
func (d *Dense) Params() []*Param {
	if d.B == nil {
		return []*Param{d.W}
	}
	return []*Param{d.W, d.B}
}
