package kernels

// int8 micro-kernels in int8_amd64.s; see int8Layout for the contract.

//go:noescape
func gemm8MicroVNNI(groups int, a, b *byte, c *int32, ldc int, bias *int32)

//go:noescape
func gemm8RowVNNI(groups int, a, b *byte, c *int32, ldc int, bias *int32)

//go:noescape
func gemm8MicroAVX2(groups int, a, b *byte, c *int32, ldc int, bias *int32)

func init() {
	widened := &int8Layout{mr: 6, nr: 16, kStep: 2, elem: 2, micro: gemm8MicroAVX2}
	int8Layouts[AVX2], int8Layouts[AVX512] = widened, widened
	if hasVNNI {
		int8Layouts[AVX512] = &int8Layout{mr: 8, nr: 32, kStep: 4, elem: 1, micro: gemm8MicroVNNI, row: gemm8RowVNNI}
	}
}
