package kernels

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32 matrices.
// transA and transB select op(A) = Aᵀ and op(B) = Bᵀ; op(A) is m×k, op(B) is
// k×n and C is m×n. lda, ldb and ldc are the row strides of A, B and C as
// stored. When beta is zero C is only written, never read, so NaN or Inf
// already in C does not propagate.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(sgemmKernels[selected], "Sgemm", transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float64
// matrices, with the same conventions as Sgemm.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(dgemmKernels[selected], "Dgemm", transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemvRows is the largest m for which Sgemm and Dgemm run one matrix-vector
// product per row of C instead of packing B (BenchmarkSgemmSmallBatch).
const gemvRows = 4

func gemm[T float](ker *floatKernel[T], fn string, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ar, ac := storedShape(transA, m, k)
	br, bc := storedShape(transB, k, n)
	checkMatrix(fn, "a", ar, ac, a, lda)
	checkMatrix(fn, "b", br, bc, b, ldb)
	checkMatrix(fn, "c", m, n, c, ldc)
	switch {
	case m == 0 || n == 0:
		return
	case k == 0 || alpha == 0:
		scale(m, n, beta, c, ldc)
	case m == 1 || n == 1:
		gemv(ker, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	case m <= gemvRows:
		// A few rows (a serving batch, a decoder step): packing B costs more
		// than streaming it once per row.
		for i := range m {
			ai := a[i*lda:]
			if transA {
				ai = a[i:]
			}
			gemv(ker, transA, transB, 1, n, k, alpha, ai, lda, b, ldb, beta, c[i*ldc:], ldc)
		}
	default:
		parallelGemm(ker, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// scale sets C = beta·C, writing zeros (not beta·NaN) when beta is zero.
func scale[T float](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
