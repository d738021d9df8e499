package attention

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// Errors returned when loading weights. They are wrapped with the name of the
// offending tensor; test for them with errors.Is.
var (
	// ErrStateKeys means a state lacks a parameter or has one the module
	// does not know.
	ErrStateKeys = errors.New("attention: state keys do not match the module")
	// ErrShape means a weight's shape differs from the module's or its data
	// does not have as many values as its shape says.
	ErrShape = errors.New("attention: weight has the wrong shape or length")
	// ErrNonFinite means a weight contains NaN or ±Inf.
	ErrNonFinite = errors.New("attention: weight is NaN or infinite")
)

// Flat is one tensor of a state dict as flat row-major values and a shape,
// the form weights take in JSON or a binary file.
type Flat struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

// Parameter is one trainable tensor of a module, named by its key in
// PyTorch's state_dict. Value and Grad share memory with the module:
// writing Value changes the module, and Backward adds into Grad.
type Parameter struct {
	Name        string
	Value, Grad *tensor.Dense
}

// stateEntry is a parameter with its state_dict key and PyTorch shape (a
// bias is 1×n in nn but has shape (n) in PyTorch).
type stateEntry struct {
	name  string
	shape []int
	param *nn.Param
}

// paramList is a module's parameters in state_dict order.
type paramList []stateEntry

func (l paramList) add(name string, p *nn.Param, shape ...int) paramList {
	return append(l, stateEntry{name: name, shape: shape, param: p})
}

// prefixed returns l with prefix prepended to every name, as a parent
// module's state_dict names a child's parameters.
func (l paramList) prefixed(prefix string) paramList {
	out := make(paramList, len(l))
	for i, e := range l {
		e.name = prefix + e.name
		out[i] = e
	}
	return out
}

func (l paramList) parameters() []Parameter {
	out := make([]Parameter, len(l))
	for i, e := range l {
		out[i] = Parameter{
			Name:  e.name,
			Value: newTensor(e.param.Value.Data, e.shape...),
			Grad:  newTensor(e.param.Grad.Data, e.shape...),
		}
	}
	return out
}

func (l paramList) nn() []*nn.Param {
	out := make([]*nn.Param, len(l))
	for i, e := range l {
		out[i] = e.param
	}
	return out
}

// load validates every tensor of state against l and only then copies them
// in, so a bad state leaves the module unchanged.
func (l paramList) load(state map[string]Flat) error {
	known := map[string]bool{}
	for _, e := range l {
		known[e.name] = true
		f, ok := state[e.name]
		if !ok {
			return fmt.Errorf("%w: missing %s", ErrStateKeys, e.name)
		}
		if !slices.Equal(f.Shape, e.shape) {
			return fmt.Errorf("%w: %s has shape %v, want %v", ErrShape, e.name, f.Shape, e.shape)
		}
		if len(f.Data) != len(e.param.Value.Data) {
			return fmt.Errorf("%w: %s has %d values for shape %v (%d)", ErrShape, e.name, len(f.Data), f.Shape, len(e.param.Value.Data))
		}
		for i, v := range f.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: %s[%d] = %v", ErrNonFinite, e.name, i, v)
			}
		}
	}
	var unknown []string
	for name := range state {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%w: unexpected %s", ErrStateKeys, strings.Join(unknown, ", "))
	}
	for _, e := range l {
		copy(e.param.Value.Data, state[e.name].Data)
	}
	return nil
}
