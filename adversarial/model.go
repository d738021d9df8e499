package adversarial

import (
	"fmt"
	"sync"

	"github.com/mlprep/mlprep/internal/nn"
)

// Matrix is a row-major float32 batch, one example per row: Data holds
// Rows·Cols values and row i is Data[i·Cols : (i+1)·Cols]. It is mlprep's
// internal nn.Mat, named here so code outside the module can build batches
// and implement Model.
type Matrix = nn.Mat

// Model is the differentiable classifier an attack queries: a forward pass to
// class scores, and a backward pass from a loss on those scores to the input.
// Implement it to attack your own model; FromLayer adapts mlprep's networks.
//
// Attacks call a Model from several goroutines at once (see the Workers field
// of each attack), so an implementation must be safe for concurrent use, or
// the caller sets Workers to 1.
type Model interface {
	// Logits returns the n×k class scores for the n×d inputs x. It must not
	// modify x.
	Logits(x *Matrix) *Matrix
	// InputGradient runs the model on x, calls lossGrad with the n×k logits
	// to get dL/dlogits for some loss L, and returns the logits and dL/dx,
	// an n×d matrix. It must not modify x.
	InputGradient(x *Matrix, lossGrad func(logits *Matrix) *Matrix) (logits, grad *Matrix)
}

// FromLayer adapts an internal/nn network (Forward to logits, Backward from
// dL/dlogits to dL/dx) to Model, always in evaluation mode.
//
// Networks built from Sequential, Dense, ReLU, GELU, Tanh and Dropout are
// copied for every call: fresh layer caches around the same weight matrices,
// with the parameters marked frozen so the backward pass skips the weight
// gradients an attack does not need. Such a model is safe for concurrent use
// and sees weight updates made between calls, which is what adversarial
// training needs. Other layers are run one call at a time under a lock, and
// their backward pass adds into their parameters' Grad as training would.
func FromLayer(l nn.Layer) Model {
	_, ok := replicate(l)
	return &layerModel{layer: l, replicable: ok}
}

type layerModel struct {
	layer      nn.Layer
	replicable bool
	mu         sync.Mutex // serialises calls when the layer cannot be copied
}

func (m *layerModel) Logits(x *Matrix) *Matrix {
	l, unlock := m.acquire()
	defer unlock()
	return l.Forward(x, false)
}

func (m *layerModel) InputGradient(x *Matrix, lossGrad func(*Matrix) *Matrix) (logits, grad *Matrix) {
	l, unlock := m.acquire()
	defer unlock()
	logits = l.Forward(x, false)
	return logits, l.Backward(lossGrad(logits))
}

// acquire returns a layer this call may use alone and the function that
// releases it.
func (m *layerModel) acquire() (nn.Layer, func()) {
	if m.replicable {
		l, _ := replicate(m.layer)
		return l, func() {}
	}
	m.mu.Lock()
	return m.layer, m.mu.Unlock
}

// replicate returns a copy of l with its own forward caches sharing l's
// weights, frozen, or false if l holds a layer type it does not know.
func replicate(l nn.Layer) (nn.Layer, bool) {
	switch l := l.(type) {
	case *nn.Sequential:
		s := &nn.Sequential{Layers: make([]nn.Layer, len(l.Layers))}
		for i, c := range l.Layers {
			r, ok := replicate(c)
			if !ok {
				return nil, false
			}
			s.Layers[i] = r
		}
		return s, true
	case *nn.Dense:
		return &nn.Dense{W: frozenView(l.W), B: frozenView(l.B)}, true
	case *nn.ReLU:
		return &nn.ReLU{}, true
	case *nn.GELU:
		return &nn.GELU{}, true
	case *nn.Tanh:
		return &nn.Tanh{}, true
	case *nn.Dropout:
		// Evaluation mode never draws a mask, so no generator is needed.
		return &nn.Dropout{P: l.P}, true
	}
	return nil, false
}

func frozenView(p *nn.Param) *nn.Param {
	if p == nil {
		return nil
	}
	return &nn.Param{Name: p.Name, Value: p.Value, Frozen: true}
}

// checkOutput panics, naming both shapes, unless a Model returned a rows×cols
// matrix (any number of columns when cols < 0): a misfit is a bug in the Model.
func checkOutput(what string, out *Matrix, rows, cols int) {
	if out != nil && out.Rows == rows && (cols < 0 || out.Cols == cols) && len(out.Data) == out.Rows*out.Cols {
		return
	}
	got := "nil"
	if out != nil {
		got = out.Shape()
	}
	want := fmt.Sprintf("%d×%d", rows, cols)
	if cols < 0 {
		want = fmt.Sprintf("%d rows", rows)
	}
	panic(fmt.Sprintf("adversarial: model returned %s %s, want %s", what, got, want))
}
