package kernels

// Quantisation epilogues in quantize_amd64.s (AVX2, so every SIMD path).

//go:noescape
func quantizeU8AVX2(n int, x *float32, invScale float32, zeroPoint int32, q *uint8)

//go:noescape
func dequantizeRowAVX2(n int, acc *int32, offset *int32, scale, bias, y *float32)

//go:noescape
func minMaxAVX2(n int, x *float32) (lo, hi float32)
