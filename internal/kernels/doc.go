// Package kernels is the single entry point for dense matrix products in mlprep.
//
// Every layer in internal/nn, attention, gcn, lora, quant and adversarial calls
// Sgemm or Dgemm here rather than a BLAS directly, so that making this package
// faster makes the whole library faster at once.
//
// All matrices are row-major. Sgemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(X) is X or Xᵀ, A is m×k after op, B is k×n after op and C is m×n.
// lda, ldb and ldc are the row strides of the stored (not transposed) matrices,
// exactly as in the CBLAS row-major convention gonum's blas package uses.
//
// Shape or stride errors are programmer errors: they panic with a message that
// starts with "kernels:" and names the offending sizes.
package kernels
