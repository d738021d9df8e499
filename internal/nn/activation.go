package nn

import "math"

// ReLU is max(0, x) element-wise.
type ReLU struct{ mask []bool }

// Forward returns max(0, x).
func (r *ReLU) Forward(x *Mat, train bool) *Mat {
	y := NewMat(x.Rows, x.Cols)
	r.mask = growBool(r.mask, len(x.Data))
	for i, v := range x.Data {
		pos := v > 0
		r.mask[i] = pos
		if pos {
			y.Data[i] = v
		}
	}
	return y
}

// Backward passes dy where the input was positive.
func (r *ReLU) Backward(dy *Mat) *Mat {
	if len(r.mask) != len(dy.Data) {
		panic("nn: ReLU backward: dy " + dy.Shape() + " does not match the last forward")
	}
	dx := NewMat(dy.Rows, dy.Cols)
	for i, v := range dy.Data {
		if r.mask[i] {
			dx.Data[i] = v
		}
	}
	return dx
}

// Params returns nil: ReLU has no parameters.
func (r *ReLU) Params() []*Param { return nil }

// GELU is x·Φ(x) with the exact normal CDF, torch.nn.GELU's default.
type GELU struct{ x *Mat }

// Forward returns x·Φ(x).
func (g *GELU) Forward(x *Mat, train bool) *Mat {
	g.x = x
	y := NewMat(x.Rows, x.Cols)
	for i, v := range x.Data {
		y.Data[i] = float32(float64(v) * normalCDF(float64(v)))
	}
	return y
}

// Backward multiplies dy by Φ(x) + x·φ(x).
func (g *GELU) Backward(dy *Mat) *Mat {
	SameShape("GELU backward", dy, g.x)
	dx := NewMat(dy.Rows, dy.Cols)
	for i, v := range g.x.Data {
		x := float64(v)
		dx.Data[i] = dy.Data[i] * float32(normalCDF(x)+x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi))
	}
	return dx
}

// Params returns nil.
func (g *GELU) Params() []*Param { return nil }

func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// Tanh is the hyperbolic tangent element-wise.
type Tanh struct{ y *Mat }

// Forward returns tanh(x).
func (t *Tanh) Forward(x *Mat, train bool) *Mat {
	y := NewMat(x.Rows, x.Cols)
	for i, v := range x.Data {
		y.Data[i] = float32(math.Tanh(float64(v)))
	}
	t.y = y
	return y
}

// Backward multiplies dy by 1 − tanh²(x).
func (t *Tanh) Backward(dy *Mat) *Mat {
	SameShape("Tanh backward", dy, t.y)
	dx := NewMat(dy.Rows, dy.Cols)
	for i, y := range t.y.Data {
		dx.Data[i] = dy.Data[i] * (1 - y*y)
	}
	return dx
}

// Params returns nil.
func (t *Tanh) Params() []*Param { return nil }

func growBool(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	return b[:n]
}
