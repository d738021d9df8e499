package nn

import (
	"fmt"
	"math"
)

// LayerNorm is torch.nn.LayerNorm over each row (the last dimension):
//
//	y = (x − mean(x)) / √(var(x) + ε) · γ + β
//
// with the biased variance, γ (W, initialised to ones) and β (B, zeros) of
// size 1×n, and ε = 1e-5 by default. Statistics are accumulated in float64.
type LayerNorm struct {
	W, B *Param
	Eps  float64
	xhat *Mat
	rstd []float64
}

// NewLayerNorm returns a layer normalising rows of n features, initialised as
// torch.nn.LayerNorm(n).
func NewLayerNorm(n int) *LayerNorm {
	w := NewMat(1, n)
	for i := range w.Data {
		w.Data[i] = 1
	}
	return &LayerNorm{W: NewParam("weight", w), B: NewParam("bias", NewMat(1, n)), Eps: 1e-5}
}

// Forward normalises each row of x.
func (l *LayerNorm) Forward(x *Mat, train bool) *Mat {
	n := l.W.Value.Cols
	if x.Cols != n {
		panic(fmt.Sprintf("nn: LayerNorm forward: input %s, weight %s", x.Shape(), l.W.Value.Shape()))
	}
	l.xhat = NewMat(x.Rows, n)
	if cap(l.rstd) < x.Rows {
		l.rstd = make([]float64, x.Rows)
	}
	l.rstd = l.rstd[:x.Rows]
	y := NewMat(x.Rows, n)
	g, b := l.W.Value.Data, l.B.Value.Data
	for i := range x.Rows {
		row := x.Row(i)
		var mean, sq float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(n)
		for _, v := range row {
			d := float64(v) - mean
			sq += d * d
		}
		rstd := 1 / math.Sqrt(sq/float64(n)+l.Eps)
		l.rstd[i] = rstd
		xh, out := l.xhat.Row(i), y.Row(i)
		for j, v := range row {
			xh[j] = float32((float64(v) - mean) * rstd)
			out[j] = xh[j]*g[j] + b[j]
		}
	}
	return y
}

// Backward adds dγ = Σ dy∘x̂ and dβ = Σ dy (unless frozen) and returns
// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ∘x̂)) with ĝ = dy∘γ.
func (l *LayerNorm) Backward(dy *Mat) *Mat {
	if l.xhat == nil {
		panic("nn: LayerNorm backward before forward")
	}
	SameShape("LayerNorm backward", dy, l.xhat)
	n := dy.Cols
	g := l.W.Value.Data
	dx := NewMat(dy.Rows, n)
	for i := range dy.Rows {
		d, xh := dy.Row(i), l.xhat.Row(i)
		if !l.W.Frozen {
			for j := range d {
				l.W.Grad.Data[j] += d[j] * xh[j]
			}
		}
		if !l.B.Frozen {
			for j := range d {
				l.B.Grad.Data[j] += d[j]
			}
		}
		var sumG, sumGX float64
		for j := range d {
			gh := float64(d[j]) * float64(g[j])
			sumG += gh
			sumGX += gh * float64(xh[j])
		}
		meanG, meanGX := sumG/float64(n), sumGX/float64(n)
		out := dx.Row(i)
		for j := range d {
			gh := float64(d[j]) * float64(g[j])
			out[j] = float32(l.rstd[i] * (gh - meanG - float64(xh[j])*meanGX))
		}
	}
	return dx
}

// Params returns γ and β.
func (l *LayerNorm) Params() []*Param { return []*Param{l.W, l.B} }
