package adversarial

import (
	"errors"
	"fmt"
	"math"
)

// Errors for bad input. Each is wrapped with the details (which row, which
// value), so test for them with errors.Is.
var (
	ErrEpsilon = errors.New("adversarial: ε, step and overshoot must be finite and ≥ 0")
	ErrConfig  = errors.New("adversarial: invalid attack settings")
	ErrInput   = errors.New("adversarial: invalid input")
	ErrLabel   = errors.New("adversarial: label out of range")
	ErrBatch   = errors.New("adversarial: batch sizes differ")
)

// Range is the box valid inputs live in; every attack clips its output to it.
// The zero value means [0, 1], the pixel range of mlprep's image data.
type Range struct {
	Min, Max float32
}

// bounds returns the box, with the zero value read as [0, 1], or an error
// if it is empty or unbounded.
func (r Range) bounds() (lo, hi float32, err error) {
	if r.Min == 0 && r.Max == 0 {
		return 0, 1, nil
	}
	if !(r.Min < r.Max) || isInf(r.Min) || isInf(r.Max) {
		return 0, 0, fmt.Errorf("%w: range [%v, %v] is empty or unbounded", ErrConfig, r.Min, r.Max)
	}
	return r.Min, r.Max, nil
}

// checkAttack validates an attack's Range and its batch (see checkBatch),
// returning the Range's bounds and the number of classes.
func checkAttack(m Model, x *Matrix, labels []int, r Range) (lo, hi float32, classes int, err error) {
	if lo, hi, err = r.bounds(); err != nil {
		return 0, 0, 0, err
	}
	classes, err = checkBatch(m, x, labels, lo, hi)
	return lo, hi, classes, err
}

// checkBatch validates what every attack receives from outside: finite
// inputs inside [lo, hi], one label per row, and labels that name a class of
// m. It returns the number of classes, found with a forward pass on the
// first row.
func checkBatch(m Model, x *Matrix, labels []int, lo, hi float32) (classes int, err error) {
	if x == nil || x.Rows == 0 || x.Cols == 0 {
		return 0, fmt.Errorf("%w: empty batch", ErrInput)
	}
	if len(labels) != x.Rows {
		return 0, fmt.Errorf("%w: %d labels for %d inputs", ErrBatch, len(labels), x.Rows)
	}
	if len(x.Data) != x.Rows*x.Cols {
		return 0, fmt.Errorf("%w: %d values for a %s batch", ErrInput, len(x.Data), x.Shape())
	}
	for i, v := range x.Data {
		if v != v || isInf(v) {
			return 0, fmt.Errorf("%w: value %v at row %d, column %d", ErrInput, v, i/x.Cols, i%x.Cols)
		}
		if v < lo || v > hi {
			return 0, fmt.Errorf("%w: value %v at row %d, column %d is outside the range [%v, %v]", ErrInput, v, i/x.Cols, i%x.Cols, lo, hi)
		}
	}
	first := &Matrix{Rows: 1, Cols: x.Cols, Data: x.Row(0)}
	logits := m.Logits(first)
	checkOutput("logits", logits, 1, -1)
	for i, y := range labels {
		if y < 0 || y >= logits.Cols {
			return 0, fmt.Errorf("%w: label %d of row %d, model has %d classes", ErrLabel, y, i, logits.Cols)
		}
	}
	return logits.Cols, nil
}

func checkEpsilon(name string, eps float64) error {
	if !(eps >= 0) || math.IsInf(eps, 0) {
		return fmt.Errorf("%w: %s = %v", ErrEpsilon, name, eps)
	}
	return nil
}

func isInf(v float32) bool { return math.IsInf(float64(v), 0) }
