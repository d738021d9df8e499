package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveSgemm is the reference every fast path is checked against.
func naiveSgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if tA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			c[i*ldc+j] = alpha*float32(s) + beta*c[i*ldc+j]
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestSgemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 13, 29}, {64, 1, 300}, {1, 97, 64}, {128, 96, 33}}
	for _, s := range shapes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					m, n, k := s[0], s[1], s[2]
					name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%v/beta=%v", m, n, k, tA, tB, ab[0], ab[1])
					t.Run(name, func(t *testing.T) {
						lda, ldb, ldc := k+3, n+2, n+1
						if tA {
							lda = m + 3
						}
						if tB {
							ldb = k + 2
						}
						rowsA, rowsB := m, k
						if tA {
							rowsA = k
						}
						if tB {
							rowsB = n
						}
						a := randSlice(rng, rowsA*lda)
						b := randSlice(rng, rowsB*ldb)
						c := randSlice(rng, m*ldc)
						want := append([]float32(nil), c...)
						Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
						naiveSgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						for i := 0; i < m; i++ {
							for j := 0; j < n; j++ {
								got, exp := c[i*ldc+j], want[i*ldc+j]
								if d := math.Abs(float64(got - exp)); d > 1e-4*(1+math.Abs(float64(exp)))*math.Sqrt(float64(k)) {
									t.Fatalf("C[%d,%d] = %v, want %v", i, j, got, exp)
								}
							}
						}
					})
				}
			}
		}
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, y, z := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
			b.SetBytes(int64(2 * n * n * n)) // reported MB/s reads as MFLOP/s
			for b.Loop() {
				Sgemm(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
			}
		})
	}
}
