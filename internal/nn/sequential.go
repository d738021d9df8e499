package nn

import (
	"math/rand/v2"
	"strconv"
)

// Sequential chains layers. Its children are named "0", "1", … by position,
// as in torch.nn.Sequential, so parameter names such as "0.weight" match a
// PyTorch state dict.
type Sequential struct {
	Layers []Layer
}

// NewMLP returns Dense(sizes[0]→sizes[1]), act, Dense, act, …, Dense: a
// multi-layer perceptron with activation layers from newAct between the
// affine layers and none after the last.
func NewMLP(sizes []int, newAct func() Layer, rng *rand.Rand) *Sequential {
	if len(sizes) < 2 {
		panic("nn: NewMLP needs at least an input and an output size")
	}
	s := &Sequential{}
	for i := 0; i+1 < len(sizes); i++ {
		s.Layers = append(s.Layers, NewDense(sizes[i], sizes[i+1], rng))
		if i+2 < len(sizes) {
			s.Layers = append(s.Layers, newAct())
		}
	}
	return s
}

// Forward runs the layers in order.
func (s *Sequential) Forward(x *Mat, train bool) *Mat {
	for _, l := range s.Layers {
		x = l.Forward(x, train)
	}
	return x
}

// Backward runs the layers' backward passes in reverse order.
func (s *Sequential) Backward(dy *Mat) *Mat {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// BackwardParams runs the backward pass for the parameter gradients only:
// the first layer skips its input gradient where it can.
func (s *Sequential) BackwardParams(dy *Mat) {
	for i := len(s.Layers) - 1; i > 0; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	if len(s.Layers) > 0 {
		BackwardParams(s.Layers[0], dy)
	}
}

// Params returns every layer's parameters in order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Children returns the layers named by position.
func (s *Sequential) Children() []Child {
	cs := make([]Child, len(s.Layers))
	for i, l := range s.Layers {
		cs[i] = Child{Name: strconv.Itoa(i), Layer: l}
	}
	return cs
}

// SetChild replaces the layer at the position name.
func (s *Sequential) SetChild(name string, l Layer) bool {
	i, err := strconv.Atoi(name)
	if err != nil || i < 0 || i >= len(s.Layers) {
		return false
	}
	s.Layers[i] = l
	return true
}
