package kernels

// allFiniteAVX2 is in finite_amd64.s (AVX2, so every SIMD path).
//
//go:noescape
func allFiniteAVX2(n int, x *float32) bool
