//go:build !amd64

package kernels

// On other architectures only the Generic path exists and these are never called.

func quantizeU8AVX2(n int, x *float32, invScale float32, zeroPoint int32, q *uint8) {
	panic("kernels: no AVX2 on this architecture")
}

func dequantizeRowAVX2(n int, acc *int32, offset *int32, scale, bias, y *float32) {
	panic("kernels: no AVX2 on this architecture")
}

func minMaxAVX2(n int, x *float32) (lo, hi float32) {
	panic("kernels: no AVX2 on this architecture")
}
