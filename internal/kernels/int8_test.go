package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// naiveGemm8 is the definition C[i,j] = Σ_p A[i,p]·B[j,p] in int64.
func naiveGemm8[A int8s](m, n, k int, a []A, lda int, b []int8, ldb int) []int64 {
	c := make([]int64, m*n)
	for i := range m {
		for j := range n {
			var s int64
			for p := range k {
				s += int64(a[i*lda+p]) * int64(b[j*ldb+p])
			}
			c[i*n+j] = s
		}
	}
	return c
}

// int8Fill draws values, or only the extremes that saturate VPMADDUBSW
// (255·127 + 255·127 > 32767) and -128·-128 products.
func int8Fill[A int8s](rng *rand.Rand, n int, extreme bool) []A {
	s := make([]A, n)
	for i := range s {
		v := rng.IntN(256)
		if extreme {
			v = []int{0, 127, 128, 255}[rng.IntN(4)]
		}
		s[i] = A(v)
	}
	return s
}

func runGemm8Case[A int8s](t *testing.T, rng *rand.Rand, m, n, k, pad int, extreme bool, mul func(*PackedS8, int, []A, int, []int32, int)) {
	t.Helper()
	lda, ldb, ldc := max(k, 1)+pad, max(k, 1)+2*pad, max(n, 1)+pad
	a := int8Fill[A](rng, m*lda, extreme)
	b := int8Fill[int8](rng, n*ldb, extreme)
	c := make([]int32, m*ldc)
	for i := range c {
		c[i] = -7
	}
	p := PackS8(n, k, b, ldb)
	mul(p, m, a, lda, c, ldc)
	want := naiveGemm8(m, n, k, a, lda, b, ldb)
	for i := range m {
		for j := range ldc {
			got := c[i*ldc+j]
			if j >= n {
				if got != -7 {
					t.Fatalf("%dx%dx%d pad=%d: padding C[%d,%d] changed to %d", m, n, k, pad, i, j, got)
				}
				continue
			}
			if int64(got) != want[i*n+j] {
				t.Fatalf("%dx%dx%d pad=%d extreme=%v: C[%d,%d] = %d, want %d", m, n, k, pad, extreme, i, j, got, want[i*n+j])
			}
		}
	}
	sums := p.RowSums()
	for j := range n {
		var s int32
		for q := range k {
			s += int32(b[j*ldb+q])
		}
		if sums[j] != s {
			t.Fatalf("RowSums[%d] = %d, want %d", j, sums[j], s)
		}
	}
}

var gemm8Shapes = [][3]int{
	{1, 1, 1}, {1, 1, 5}, {3, 2, 3}, {1, 37, 19}, {23, 1, 41}, {8, 32, 4}, {6, 16, 2},
	{17, 13, 29}, {7, 97, 61}, {300, 3, 5}, {5, 300, 3}, {64, 130, 257}, {9, 33, 1030}, {0, 3, 4}, {3, 4, 0},
}

func TestMulU8MatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for i, s := range gemm8Shapes {
			for _, extreme := range []bool{false, true} {
				runGemm8Case(t, rng, s[0], s[1], s[2], i%3, extreme, (*PackedS8).MulU8)
			}
		}
	})
}

func TestMulS8MatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for i, s := range gemm8Shapes {
			for _, extreme := range []bool{false, true} {
				runGemm8Case(t, rng, s[0], s[1], s[2], i%3, extreme, (*PackedS8).MulS8)
			}
		}
	})
}

// TestGemm8WorstCaseK checks the documented exactness limit: k = 65793 is
// the largest k for which 255·128·k still fits an int32.
func TestGemm8WorstCaseK(t *testing.T) {
	if testing.Short() {
		t.Skip("large k: skipped with -short")
	}
	forEachPath(t, func(t *testing.T) {
		const k = 65793
		a := make([]uint8, 2*k)
		b := make([]int8, 3*k)
		for i := range a {
			a[i] = 255
		}
		for i := range b {
			b[i] = 127
			if i >= k {
				b[i] = -128
			}
		}
		c := make([]int32, 6)
		GemmU8S8(2, 3, k, a, k, b, k, c, 3)
		if want := int32(255 * 127 * k); c[0] != want || c[3] != want {
			t.Fatalf("C[0,0] = %d, want %d", c[0], want)
		}
		if want := int32(-255 * 128 * k); c[1] != want {
			t.Fatalf("C[0,1] = %d, want %d", c[1], want)
		}
		s := make([]int8, 2*k)
		for i := range s {
			s[i] = -128
		}
		GemmS8S8(2, 3, k, s, k, b, k, c, 3)
		if want := int32(-128 * 127 * k); c[0] != want || c[4] != 128*128*k {
			t.Fatalf("s8: C[0,0] = %d, want %d; C[1,1] = %d, want %d", c[0], want, c[4], 128*128*k)
		}
	})
}

func TestRowSums(t *testing.T) {
	a := []uint8{255, 1, 9, 0, 0, 0}
	s := make([]int32, 2)
	RowSumsU8(2, 2, a, 3, s)
	if s[0] != 256 || s[1] != 0 {
		t.Fatalf("RowSumsU8 = %v, want [256 0]", s)
	}
	b := []int8{-128, -1, 5, 7}
	RowSumsS8(2, 2, b, 2, s)
	if s[0] != -129 || s[1] != 12 {
		t.Fatalf("RowSumsS8 = %v, want [-129 12]", s)
	}
}

func TestGemm8PanicsOnBadShapes(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if len(msg) < 8 || msg[:8] != "kernels:" {
			t.Fatalf("panic = %q, want a message starting with kernels:", msg)
		}
	}()
	p := PackS8(2, 3, make([]int8, 6), 3)
	p.MulU8(2, make([]uint8, 5), 3, make([]int32, 4), 2)
}

// FuzzGemm8 checks arbitrary shapes and strides on every path, for both
// activation types.
func FuzzGemm8(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(1), false, uint64(1))
	f.Add(uint8(9), uint8(33), uint8(130), uint8(0), true, uint64(2))
	f.Fuzz(func(t *testing.T, m, n, k, pad uint8, extreme bool, seed uint64) {
		for _, p := range Supported() {
			restore := usePath(p)
			rng := rand.New(rand.NewPCG(seed, 11))
			runGemm8Case(t, rng, int(m%40), int(n%70), int(k), int(pad%4), extreme, (*PackedS8).MulU8)
			runGemm8Case(t, rng, int(m%40), int(n%70), int(k), int(pad%4), extreme, (*PackedS8).MulS8)
			restore()
		}
	})
}

func BenchmarkMulU8(b *testing.B) {
	for _, s := range [][3]int{{1, 1024, 1024}, {64, 1024, 1024}, {256, 1024, 1024}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			p := PackS8(n, k, int8Fill[int8](rng, n*k, false), k)
			a := int8Fill[uint8](rng, m*k, false)
			c := make([]int32, m*n)
			b.SetBytes(int64(2 * m * n * k)) // MB/s reads as MOP/s
			for b.Loop() {
				p.MulU8(m, a, k, c, n)
			}
		})
	}
}
