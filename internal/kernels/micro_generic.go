package kernels

import "unsafe"

// The portable micro-kernel computes a 4×4 tile: sixteen accumulators fit
// the sixteen floating-point registers of amd64 and arm64 well enough for
// the compiler to keep most of them out of memory.
const genericMR, genericNR = 4, 4

func microGeneric[T float](k int, pa, pb, pc *T, ldc int, alpha, beta T) {
	a := unsafe.Slice(pa, k*genericMR)
	b := unsafe.Slice(pb, k*genericNR)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 T
	for p := 0; p < k; p++ {
		ap := a[p*genericMR : p*genericMR+genericMR : p*genericMR+genericMR]
		bp := b[p*genericNR : p*genericNR+genericNR : p*genericNR+genericNR]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	c := unsafe.Slice(pc, 3*ldc+genericNR)
	store4(c[0:4:4], alpha, beta, c00, c01, c02, c03)
	store4(c[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
	store4(c[2*ldc:2*ldc+4:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	store4(c[3*ldc:3*ldc+4:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

func store4[T float](c []T, alpha, beta, v0, v1, v2, v3 T) {
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*v0, alpha*v1, alpha*v2, alpha*v3
		return
	}
	c[0] = alpha*v0 + beta*c[0]
	c[1] = alpha*v1 + beta*c[1]
	c[2] = alpha*v2 + beta*c[2]
	c[3] = alpha*v3 + beta*c[3]
}

// Blocking of the portable path: a 4×256 panel of A and a 256×4 panel of B
// (8 KiB in float64) stay in L1, a 128×256 block of A in L2.
var (
	sgemmGeneric = floatKernel[float32]{mr: genericMR, nr: genericNR, kc: 256, mc: 128, nc: 2048, micro: microGeneric[float32], dot: gemvDotGeneric[float32], axpy: gemvAxpyGeneric[float32]}
	dgemmGeneric = floatKernel[float64]{mr: genericMR, nr: genericNR, kc: 256, mc: 128, nc: 2048, micro: microGeneric[float64], dot: gemvDotGeneric[float64], axpy: gemvAxpyGeneric[float64]}

	sgemmKernels = map[Path]*floatKernel[float32]{Generic: &sgemmGeneric}
	dgemmKernels = map[Path]*floatKernel[float64]{Generic: &dgemmGeneric}
)
