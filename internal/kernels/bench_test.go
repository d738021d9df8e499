package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The float benchmarks report throughput with SetBytes(2·m·n·k): the MB/s
// column reads as MFLOP/s.
func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		benchGemm(b, fmt.Sprint(n), n, n, n, Sgemm)
	}
	benchGemm(b, "linear_64x1024x1024", 64, 1024, 1024, Sgemm)
}

func BenchmarkDgemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		benchGemm(b, fmt.Sprint(n), n, n, n, Dgemm)
	}
}

// BenchmarkSgemv is batch-1 inference through a Linear layer: x·Wᵀ with W out×in.
func BenchmarkSgemv(b *testing.B) {
	benchGemmT(b, "1024", 1, 1024, 1024, Sgemm)
}

// BenchmarkSgemmSmallBatch is a Linear layer x·Wᵀ (W 512×512) at the small
// batch sizes a serving batcher or a decoder produces.
func BenchmarkSgemmSmallBatch(b *testing.B) {
	for _, m := range []int{1, 2, 4, 8, 16, 32} {
		benchGemmT(b, fmt.Sprintf("m=%d", m), m, 512, 512, Sgemm)
	}
}

func benchGemm[T float](b *testing.B, name string, m, n, k int, fn func(bool, bool, int, int, int, T, []T, int, []T, int, T, []T, int)) {
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		x, y, z := randFloats[T](rng, m*k), randFloats[T](rng, k*n), make([]T, m*n)
		b.SetBytes(int64(2 * m * n * k))
		for b.Loop() {
			fn(false, false, m, n, k, 1, x, k, y, n, 0, z, n)
		}
	})
}

func benchGemmT[T float](b *testing.B, name string, m, n, k int, fn func(bool, bool, int, int, int, T, []T, int, []T, int, T, []T, int)) {
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		x, w, z := randFloats[T](rng, m*k), randFloats[T](rng, n*k), make([]T, m*n)
		b.SetBytes(int64(2 * m * n * k))
		for b.Loop() {
			fn(false, true, m, n, k, 1, x, k, w, k, 0, z, n)
		}
	})
}
