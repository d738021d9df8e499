package nn

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/kernels"
)

// Mat is a dense row-major float32 matrix. Data holds Rows*Cols values; row i
// is Data[i*Cols : (i+1)*Cols].
type Mat struct {
	Rows, Cols int
	Data       []float32
}

// NewMat returns a zeroed rows×cols matrix.
func NewMat(rows, cols int) *Mat {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("nn: negative dimension %d×%d", rows, cols))
	}
	return &Mat{Rows: rows, Cols: cols, Data: make([]float32, rows*cols)}
}

// MatFrom wraps data (not copied) as a rows×cols matrix.
func MatFrom(rows, cols int, data []float32) *Mat {
	if len(data) != rows*cols {
		panic(fmt.Sprintf("nn: %d values for a %d×%d matrix", len(data), rows, cols))
	}
	return &Mat{Rows: rows, Cols: cols, Data: data}
}

// Row returns row i, sharing memory with m.
func (m *Mat) Row(i int) []float32 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// At returns element (i, j).
func (m *Mat) At(i, j int) float32 { return m.Data[i*m.Cols+j] }

// Set sets element (i, j).
func (m *Mat) Set(i, j int, v float32) { m.Data[i*m.Cols+j] = v }

// Clone returns a deep copy of m.
func (m *Mat) Clone() *Mat {
	return &Mat{Rows: m.Rows, Cols: m.Cols, Data: append([]float32(nil), m.Data...)}
}

// Zero sets every element to 0.
func (m *Mat) Zero() { clear(m.Data) }

// Shape formats the dimensions for error messages.
func (m *Mat) Shape() string { return fmt.Sprintf("%d×%d", m.Rows, m.Cols) }

// SameShape panics unless a and b have equal dimensions; op names the caller.
func SameShape(op string, a, b *Mat) {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("nn: %s: shape mismatch %s vs %s", op, a.Shape(), b.Shape()))
	}
}

// Gemm computes c = alpha·op(a)·op(b) + beta·c, where op transposes when the
// flag is set. It is the one entry point for matrix products in mlprep's
// models. It panics if the shapes do not conform.
func Gemm(transA, transB bool, alpha float32, a, b *Mat, beta float32, c *Mat) {
	m, k := a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("nn: Gemm shape mismatch: op(a) %d×%d, op(b) %d×%d, c %s", m, k, kb, n, c.Shape()))
	}
	if k == 0 {
		scale(c.Data, beta)
		return
	}
	kernels.Sgemm(transA, transB, m, n, k, alpha, a.Data, max(a.Cols, 1), b.Data, max(b.Cols, 1), beta, c.Data, max(c.Cols, 1))
}

func scale(x []float32, s float32) {
	if s == 0 {
		clear(x)
		return
	}
	for i := range x {
		x[i] *= s
	}
}

// MatMul returns op(a)·op(b) in a new matrix.
func MatMul(transA, transB bool, a, b *Mat) *Mat {
	m := a.Rows
	if transA {
		m = a.Cols
	}
	n := b.Cols
	if transB {
		n = b.Rows
	}
	c := NewMat(m, n)
	Gemm(transA, transB, 1, a, b, 0, c)
	return c
}

// Gather copies rows idx of src into a new len(idx)×src.Cols matrix.
func Gather(src *Mat, idx []int) *Mat {
	dst := NewMat(len(idx), src.Cols)
	for i, r := range idx {
		copy(dst.Row(i), src.Row(r))
	}
	return dst
}
