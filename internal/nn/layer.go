package nn

// Layer is one differentiable step of a model. Forward caches what Backward
// needs; Backward takes dL/dy for the last Forward and returns dL/dx, adding
// parameter gradients into each Param's Grad.
type Layer interface {
	Forward(x *Mat, train bool) *Mat
	Backward(dy *Mat) *Mat
	Params() []*Param
}

// ParamBackwarder is a layer that can accumulate its parameter gradients
// without computing dL/dx. In training nothing needs the gradient of the
// model's input, and skipping it saves the first layer's largest product
// (PyTorch skips it too, because the input does not require grad).
type ParamBackwarder interface {
	Layer
	BackwardParams(dy *Mat)
}

// BackwardParams runs l's backward pass for its parameter gradients only,
// skipping the input gradient where l supports it.
func BackwardParams(l Layer, dy *Mat) {
	if pb, ok := l.(ParamBackwarder); ok {
		pb.BackwardParams(dy)
		return
	}
	l.Backward(dy)
}

// Param is a trainable tensor with its gradient. Frozen parameters get no
// gradient and are skipped by optimisers.
type Param struct {
	Name   string
	Value  *Mat
	Grad   *Mat
	Frozen bool
}

// NewParam wraps value with a zero gradient of the same shape.
func NewParam(name string, value *Mat) *Param {
	return &Param{Name: name, Value: value, Grad: NewMat(value.Rows, value.Cols)}
}

// ZeroGrad clears the gradients of params.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		p.Grad.Zero()
	}
}

// CountParams returns the number of trainable (not frozen) values and the
// total number of values in params.
func CountParams(params []*Param) (trainable, total int) {
	for _, p := range params {
		n := len(p.Value.Data)
		total += n
		if !p.Frozen {
			trainable += n
		}
	}
	return trainable, total
}

// Child is a named sub-layer of a Container.
type Child struct {
	Name  string
	Layer Layer
}

// Container is a layer built from named sub-layers, such as Sequential. It
// lets packages like lora find and replace layers by their PyTorch-style
// dotted names.
type Container interface {
	Layer
	Children() []Child
	// SetChild replaces the sub-layer called name and reports whether it exists.
	SetChild(name string, l Layer) bool
}

// NamedParam is a parameter with its dotted path from the root layer, such as
// "2.weight" for the weight of the third layer of a Sequential.
type NamedParam struct {
	Path  string
	Param *Param
}

// NamedParams walks root through its Containers and returns every parameter
// with its PyTorch-style dotted path, in order.
func NamedParams(root Layer) []NamedParam {
	var out []NamedParam
	var walk func(prefix string, l Layer)
	walk = func(prefix string, l Layer) {
		if c, ok := l.(Container); ok {
			for _, ch := range c.Children() {
				walk(prefix+ch.Name+".", ch.Layer)
			}
			return
		}
		for _, p := range l.Params() {
			out = append(out, NamedParam{Path: prefix + p.Name, Param: p})
		}
	}
	walk("", root)
	return out
}
