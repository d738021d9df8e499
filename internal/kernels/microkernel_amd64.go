package kernels

// Micro-kernels in microkernel_amd64.s; see floatKernel for the contract.

//go:noescape
func sgemmMicroAVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmMicroAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmMicroAVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmMicroAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

// Blocking: kc·nr values of B̃ (the panel reused across a whole mc block of
// A) stay in the 48 KiB L1 next to the streamed Ã panel, an mc×kc block of Ã
// stays in the 1 MiB L2, and a kc×nc block of B̃ in L3.
var (
	sgemmAVX512 = floatKernel[float32]{mr: 12, nr: 32, kc: 256, mc: 192, nc: 4096, micro: sgemmMicroAVX512, dot: dotRows(sdot4AVX512, 16), axpy: axpyCols(saxpyColsAVX512, 128), transpose: transpose8x8PS, tw: 8}
	dgemmAVX512 = floatKernel[float64]{mr: 12, nr: 16, kc: 256, mc: 192, nc: 2048, micro: dgemmMicroAVX512, dot: dotRows(ddot4AVX512, 8), axpy: axpyCols(daxpyColsAVX512, 64), transpose: transpose4x4PD, tw: 4}
	sgemmAVX2   = floatKernel[float32]{mr: 6, nr: 16, kc: 256, mc: 144, nc: 4096, micro: sgemmMicroAVX2, dot: dotRows(sdot4AVX2, 8), axpy: axpyCols(saxpyColsAVX2, 64), transpose: transpose8x8PS, tw: 8}
	dgemmAVX2   = floatKernel[float64]{mr: 6, nr: 8, kc: 256, mc: 144, nc: 2048, micro: dgemmMicroAVX2, dot: dotRows(ddot4AVX2, 4), axpy: axpyCols(daxpyColsAVX2, 32), transpose: transpose4x4PD, tw: 4}
)

func init() {
	sgemmKernels[AVX512], dgemmKernels[AVX512] = &sgemmAVX512, &dgemmAVX512
	sgemmKernels[AVX2], dgemmKernels[AVX2] = &sgemmAVX2, &dgemmAVX2
}
