package rag

import (
	"context"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// csr is a sparse matrix in compressed sparse row form, just enough for
// LSA's products with dense matrices.
type csr struct {
	cols   int
	rowPtr []int
	colIdx []int32
	vals   []float64
}

func newCSR(cols int) *csr { return &csr{cols: cols, rowPtr: []int{0}} }

func (a *csr) rows() int { return len(a.rowPtr) - 1 }

// appendRow adds a row given its sorted column indices and values.
func (a *csr) appendRow(idx []int32, val []float64) {
	a.colIdx = append(a.colIdx, idx...)
	a.vals = append(a.vals, val...)
	a.rowPtr = append(a.rowPtr, len(a.colIdx))
}

// transpose returns Aᵀ in CSR form (that is, A in CSC form).
func (a *csr) transpose() *csr {
	counts := make([]int, a.cols+1)
	for _, c := range a.colIdx {
		counts[c+1]++
	}
	for i := 1; i <= a.cols; i++ {
		counts[i] += counts[i-1]
	}
	t := &csr{cols: a.rows(), rowPtr: append([]int(nil), counts...), colIdx: make([]int32, len(a.colIdx)), vals: make([]float64, len(a.vals))}
	next := counts[:a.cols]
	for r := range a.rows() {
		for j := a.rowPtr[r]; j < a.rowPtr[r+1]; j++ {
			c := a.colIdx[j]
			t.colIdx[next[c]] = int32(r)
			t.vals[next[c]] = a.vals[j]
			next[c]++
		}
	}
	return t
}

// mul returns A·D for a dense D with A.cols rows, rows computed in parallel.
func (a *csr) mul(ctx context.Context, d *mat.Dense) *mat.Dense {
	_, c := d.Dims()
	out := mat.NewDense(a.rows(), c, nil)
	od, dd := out.RawMatrix(), d.RawMatrix()
	_ = parallelFor(ctx, a.rows(), func(r int) {
		dst := od.Data[r*od.Stride : r*od.Stride+c]
		for j := a.rowPtr[r]; j < a.rowPtr[r+1]; j++ {
			v := a.vals[j]
			src := dd.Data[int(a.colIdx[j])*dd.Stride : int(a.colIdx[j])*dd.Stride+c]
			floats.AddScaled(dst, v, src)
		}
	})
	return out
}
