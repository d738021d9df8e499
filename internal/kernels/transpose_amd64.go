package kernels

// Block transposes in transpose_amd64.s; see floatKernel.transpose.

//go:noescape
func transpose8x8PS(src *float32, lds int, dst *float32, ldd int)

//go:noescape
func transpose4x4PD(src *float64, lds int, dst *float64, ldd int)
