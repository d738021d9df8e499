package nn

import "math/rand/v2"

// Dropout zeroes each input with probability P during training and scales
// the survivors by 1/(1−P) (inverted dropout, as torch.nn.Dropout), so
// evaluation is the identity.
type Dropout struct {
	P    float64
	Rand *rand.Rand
	keep []float32
}

// NewDropout returns a dropout layer drawing its masks from rng.
func NewDropout(p float64, rng *rand.Rand) *Dropout {
	if p < 0 || p >= 1 {
		panic("nn: dropout probability must be in [0, 1)")
	}
	return &Dropout{P: p, Rand: rng}
}

// Forward applies a fresh mask when train is set and P > 0.
func (d *Dropout) Forward(x *Mat, train bool) *Mat {
	if !train || d.P == 0 {
		d.keep = d.keep[:0]
		return x.Clone()
	}
	if cap(d.keep) < len(x.Data) {
		d.keep = make([]float32, len(x.Data))
	}
	d.keep = d.keep[:len(x.Data)]
	s := float32(1 / (1 - d.P))
	y := NewMat(x.Rows, x.Cols)
	for i, v := range x.Data {
		if d.Rand.Float64() >= d.P {
			d.keep[i] = s
			y.Data[i] = v * s
		} else {
			d.keep[i] = 0
		}
	}
	return y
}

// Backward applies the same mask and scale to dy.
func (d *Dropout) Backward(dy *Mat) *Mat {
	if len(d.keep) == 0 {
		return dy.Clone()
	}
	if len(d.keep) != len(dy.Data) {
		panic("nn: Dropout backward: dy " + dy.Shape() + " does not match the last forward")
	}
	dx := NewMat(dy.Rows, dy.Cols)
	for i, v := range dy.Data {
		dx.Data[i] = v * d.keep[i]
	}
	return dx
}

// Params returns nil.
func (d *Dropout) Params() []*Param { return nil }
