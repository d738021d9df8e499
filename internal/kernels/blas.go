package kernels

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BLAS is a complete gonum BLAS (blas.Float32, blas.Float64, blas.Complex64
// and blas.Complex128, which is also gorgonia's tensor.BLAS) whose Sgemm,
// Dgemm, Sgemv and Dgemv run on this package's kernels; every other routine
// is gonum's native implementation, embedded. Opt in with
//
//	blas32.Use(kernels.BLAS{}) // gonum blas32 (float32)
//	blas64.Use(kernels.BLAS{}) // gonum blas64, and so gonum mat
//	tensor.Use(kernels.BLAS{}) // gorgonia.org/tensor MatMul, MatVecMul, …
//
// and out again with gonum.Implementation{} in place of kernels.BLAS{}.
// Nothing is installed implicitly: importing this package changes no global.
// The zero value is ready to use and safe for concurrent use.
type BLAS struct {
	gonum.Implementation
}

var (
	_ blas.Float32 = BLAS{}
	_ blas.Float64 = BLAS{}
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C (see the package Sgemm).
func (BLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(isTrans("Sgemm", tA), isTrans("Sgemm", tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C (see the package Dgemm).
func (BLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dgemm(isTrans("Dgemm", tA), isTrans("Dgemm", tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemv computes y = alpha·op(A)·x + beta·y for the m×n matrix A. Negative
// increments (vectors walked backwards) go to gonum's implementation.
func (impl BLAS) Sgemv(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	if incX < 0 || incY < 0 {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	rows, cols := m, n
	trans := isTrans("Sgemv", tA)
	if trans {
		rows, cols = n, m
	}
	// A matrix-vector product is a GEMM with a one-column B of row stride incX.
	Sgemm(trans, false, rows, 1, cols, alpha, a, lda, x, max(incX, 1), beta, y, max(incY, 1))
}

// Dgemv computes y = alpha·op(A)·x + beta·y for the m×n matrix A.
func (impl BLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if incX < 0 || incY < 0 {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	rows, cols := m, n
	trans := isTrans("Dgemv", tA)
	if trans {
		rows, cols = n, m
	}
	Dgemm(trans, false, rows, 1, cols, alpha, a, lda, x, max(incX, 1), beta, y, max(incY, 1))
}

// isTrans maps a BLAS transpose flag to op(X) = Xᵀ; for real matrices the
// conjugate transpose is the transpose.
func isTrans(fn string, t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic(fmt.Sprintf("kernels: %s: bad transpose flag %d", fn, t))
}
