package gcn

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/nn"
)

// CSR is a sparse float32 matrix in compressed sparse row form, the layout of
// scipy.sparse.csr_matrix: the entries of row i are Values[Indptr[i]:Indptr[i+1]]
// in the columns Indices[Indptr[i]:Indptr[i+1]], sorted by column within a row.
// An explicit zero is a stored entry like any other (sparse dropout leaves
// them), so NNZ counts structure, not non-zero values.
type CSR struct {
	Rows, Cols int
	Indptr     []int
	Indices    []int32
	Values     []float32
}

// check reports the first structural problem of s: Indptr not of length
// Rows+1 or not non-decreasing from 0 to NNZ, Values not one per entry, a
// column outside [0, Cols) or out of order within its row.
func (s *CSR) check() error {
	if s.Rows < 0 || s.Cols < 0 || len(s.Indptr) != s.Rows+1 || s.Indptr[0] != 0 ||
		s.Indptr[s.Rows] != len(s.Indices) || len(s.Values) != len(s.Indices) {
		return fmt.Errorf("%w: malformed %s sparse matrix: %d row pointers, %d indices, %d values",
			ErrInvalid, s.Shape(), len(s.Indptr), len(s.Indices), len(s.Values))
	}
	for i := 0; i < s.Rows; i++ {
		lo, hi := s.Indptr[i], s.Indptr[i+1]
		if lo > hi {
			return fmt.Errorf("%w: sparse row %d ends before it starts", ErrInvalid, i)
		}
		for k := lo; k < hi; k++ {
			j := s.Indices[k]
			if j < 0 || int(j) >= s.Cols || (k > lo && j <= s.Indices[k-1]) {
				return fmt.Errorf("%w: sparse row %d: column %d out of range or order", ErrInvalid, i, j)
			}
		}
	}
	return nil
}

// NNZ returns the number of stored entries.
func (s *CSR) NNZ() int { return len(s.Indices) }

// Shape formats the dimensions for error messages.
func (s *CSR) Shape() string { return fmt.Sprintf("%d×%d", s.Rows, s.Cols) }

// Row returns the column indices and values of row i, sharing memory with s.
func (s *CSR) Row(i int) ([]int32, []float32) {
	lo, hi := s.Indptr[i], s.Indptr[i+1]
	return s.Indices[lo:hi], s.Values[lo:hi]
}

// Dense returns s as a dense matrix (for tests and small graphs).
func (s *CSR) Dense() *nn.Mat {
	d := nn.NewMat(s.Rows, s.Cols)
	for i := 0; i < s.Rows; i++ {
		cols, vals := s.Row(i)
		for k, j := range cols {
			d.Data[i*s.Cols+int(j)] += vals[k]
		}
	}
	return d
}

// WithValues returns a matrix with the structure of s (shared, not copied)
// and the given values, one per stored entry.
func (s *CSR) WithValues(values []float32) *CSR {
	if len(values) != s.NNZ() {
		panic(fmt.Sprintf("gcn: WithValues: %d values for %d stored entries of a %s matrix", len(values), s.NNZ(), s.Shape()))
	}
	return &CSR{Rows: s.Rows, Cols: s.Cols, Indptr: s.Indptr, Indices: s.Indices, Values: values}
}

// Transpose returns sᵀ in CSR form (columns stay sorted within each row).
func (s *CSR) Transpose() *CSR {
	t := &CSR{Rows: s.Cols, Cols: s.Rows, Indptr: make([]int, s.Cols+1),
		Indices: make([]int32, s.NNZ()), Values: make([]float32, s.NNZ())}
	for _, j := range s.Indices {
		t.Indptr[j+1]++
	}
	for j := 0; j < s.Cols; j++ {
		t.Indptr[j+1] += t.Indptr[j]
	}
	next := append([]int(nil), t.Indptr[:s.Cols]...)
	for i := 0; i < s.Rows; i++ {
		cols, vals := s.Row(i)
		for k, j := range cols {
			p := next[j]
			t.Indices[p], t.Values[p] = int32(i), vals[k]
			next[j]++
		}
	}
	return t
}

// MulDense computes dst = s·b for a dense b (sparse × dense, the one product
// a GCN layer needs). Each output row is a weighted sum of the rows of b that
// the sparse row selects, so the cost is NNZ(s)·b.Cols, independent of
// s.Cols. It panics if the shapes do not conform.
func (s *CSR) MulDense(dst, b *nn.Mat) {
	if s.Cols != b.Rows || dst.Rows != s.Rows || dst.Cols != b.Cols {
		panic(fmt.Sprintf("gcn: MulDense: sparse %s times dense %s into %s", s.Shape(), b.Shape(), dst.Shape()))
	}
	s.mulDenseRows(dst, b, nil)
}

// mulDenseRows is MulDense on the rows listed (nil: all); other rows of dst
// are left as they are.
func (s *CSR) mulDenseRows(dst, b *nn.Mat, rows []int) {
	eachRow(rows, s.Rows, func(i int) {
		cols, vals := s.Row(i)
		gatherRow(dst.Row(i), cols, vals, b.Data)
	})
}

// gatherRow sets out = Σₖ vals[k]·b[cols[k], :] for a row-major b with
// len(out) columns. It keeps eight column sums in registers across the
// sparse row instead of adding into memory once per entry, which is what
// makes the product fast without SIMD.
func gatherRow(out []float32, cols []int32, vals []float32, b []float32) {
	n := len(out)
	vals = vals[:len(cols)]
	c := 0
	for ; c+8 <= n; c += 8 {
		var s0, s1, s2, s3, s4, s5, s6, s7 float32
		for k, j := range cols {
			v := vals[k]
			o := int(j)*n + c
			r := b[o : o+8 : o+8]
			s0 += v * r[0]
			s1 += v * r[1]
			s2 += v * r[2]
			s3 += v * r[3]
			s4 += v * r[4]
			s5 += v * r[5]
			s6 += v * r[6]
			s7 += v * r[7]
		}
		o := out[c : c+8 : c+8]
		o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; c+4 <= n; c += 4 {
		var s0, s1, s2, s3 float32
		for k, j := range cols {
			v := vals[k]
			o := int(j)*n + c
			r := b[o : o+4 : o+4]
			s0 += v * r[0]
			s1 += v * r[1]
			s2 += v * r[2]
			s3 += v * r[3]
		}
		o := out[c : c+4 : c+4]
		o[0], o[1], o[2], o[3] = s0, s1, s2, s3
	}
	for ; c < n; c++ {
		var s float32
		for k, j := range cols {
			s += vals[k] * b[int(j)*n+c]
		}
		out[c] = s
	}
}

// MulTransDense computes dst = sᵀ·b without forming sᵀ: row i of b is added,
// scaled by s[i,j], into row j of dst. It is the backward pass of MulDense
// with respect to its dense operand when s changes every step (dropout on
// sparse features), where building the transpose would cost more than the
// product. It panics if the shapes do not conform.
func (s *CSR) MulTransDense(dst, b *nn.Mat) {
	if s.Rows != b.Rows || dst.Rows != s.Cols || dst.Cols != b.Cols {
		panic(fmt.Sprintf("gcn: MulTransDense: sparse %sᵀ times dense %s into %s", s.Shape(), b.Shape(), dst.Shape()))
	}
	s.mulTransDenseRows(dst, b, nil)
}

// mulTransDenseRows is MulTransDense over the rows of s listed (nil: all),
// as if the other rows of b were zero.
func (s *CSR) mulTransDenseRows(dst, b *nn.Mat, rows []int) {
	n := b.Cols
	dst.Zero()
	eachRow(rows, s.Rows, func(i int) {
		src := b.Data[i*n : (i+1)*n]
		cols, vals := s.Row(i)
		for k, j := range cols {
			axpy(dst.Data[int(j)*n:int(j)*n+n], vals[k], src)
		}
	})
}

// axpy adds a·x into y (len(x) == len(y)).
func axpy(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += a * v
	}
}
