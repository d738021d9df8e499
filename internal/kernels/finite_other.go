//go:build !amd64

package kernels

// On other architectures only the Generic path exists and this is never called.

func allFiniteAVX2(n int, x *float32) bool {
	panic("kernels: no AVX2 on this architecture")
}
