package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// naiveGemm is the reference every path is checked against: the definition
// of GEMM summed in float64, plus the sum of absolute products that bounds
// the rounding error of any summation order.
func naiveGemm[T float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) (want, bound []float64) {
	want = make([]float64, m*n)
	bound = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				var av, bv T
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
				abs += math.Abs(float64(av) * float64(bv))
			}
			w := float64(alpha) * s
			if beta != 0 {
				w += float64(beta) * float64(c[i*ldc+j])
			}
			want[i*n+j] = w
			bound[i*n+j] = math.Abs(float64(alpha))*abs + math.Abs(float64(beta)*float64(c[i*ldc+j]))
		}
	}
	return want, bound
}

type gemmCase struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float64
	nanC        bool // fill C with NaN: with beta == 0 it must be overwritten
	pad         int  // extra row stride on every operand
}

func (g gemmCase) String() string {
	return fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%v/beta=%v/nanC=%v/pad=%d", g.m, g.n, g.k, g.tA, g.tB, g.alpha, g.beta, g.nanC, g.pad)
}

// runGemmCase runs one case through the selected path and compares it with
// naiveGemm. eps is the unit roundoff of T; every element must be within
// 2·k·eps of the bound on its rounding error, and the padding between rows
// of C must be untouched.
func runGemmCase[T float](t *testing.T, rng *rand.Rand, g gemmCase, gemmFn func(bool, bool, int, int, int, T, []T, int, []T, int, T, []T, int), eps float64) {
	t.Helper()
	ar, ac := storedShape(g.tA, g.m, g.k)
	br, bc := storedShape(g.tB, g.k, g.n)
	lda, ldb, ldc := max(ac, 1)+g.pad, max(bc, 1)+g.pad, max(g.n, 1)+g.pad
	a := randFloats[T](rng, ar*lda)
	b := randFloats[T](rng, br*ldb)
	c := randFloats[T](rng, g.m*ldc)
	if g.nanC {
		for i := range c {
			c[i] = T(math.NaN())
		}
	}
	want, bound := naiveGemm(g.tA, g.tB, g.m, g.n, g.k, T(g.alpha), a, lda, b, ldb, T(g.beta), c, ldc)
	before := append([]T(nil), c...)
	gemmFn(g.tA, g.tB, g.m, g.n, g.k, T(g.alpha), a, lda, b, ldb, T(g.beta), c, ldc)
	for i := range g.m {
		for j := range ldc {
			got := float64(c[i*ldc+j])
			if j >= g.n {
				if !sameFloat(got, float64(before[i*ldc+j])) {
					t.Fatalf("%v: padding C[%d,%d] changed from %v to %v", g, i, j, before[i*ldc+j], got)
				}
				continue
			}
			w, tol := want[i*g.n+j], 2*float64(g.k+2)*eps*bound[i*g.n+j]
			if math.IsNaN(got) != math.IsNaN(w) || math.Abs(got-w) > tol {
				t.Fatalf("%v: C[%d,%d] = %v, want %v ± %.3g", g, i, j, got, w, tol)
			}
		}
	}
}

func sameFloat(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }

func randFloats[T float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.NormFloat64())
	}
	return s
}

// gemmCases covers the shapes a blocked kernel gets wrong: single elements,
// vectors (the gemv path), primes that leave edge tiles on both sides,
// tall/skinny operands, k that crosses the kc block and m, n that cross
// the mc and nc blocks, padded strides, and the α/β special cases.
func gemmCases(short bool) []gemmCase {
	shapes := [][3]int{
		{1, 1, 1}, {1, 1, 7}, {2, 3, 1}, {1, 37, 19}, {23, 1, 41}, {1, 300, 257}, {261, 1, 35},
		{17, 13, 29}, {7, 97, 61}, {300, 3, 5}, {5, 300, 3}, {3, 5, 300},
		{31, 33, 600}, {131, 67, 259},
	}
	if !short {
		shapes = append(shapes, [3]int{261, 271, 131}, [3]int{97, 2100, 17}, [3]int{1000, 40, 70})
	}
	scalars := [][2]float64{{1, 0}, {0.5, 1}, {-2, 0.25}, {0, 2}, {0, 0}}
	var cases []gemmCase
	for si, s := range shapes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for ai, ab := range scalars {
					if (si+ai)%2 == 1 && ai > 1 {
						continue // every scalar pair still meets every transpose on half the shapes
					}
					cases = append(cases, gemmCase{tA: tA, tB: tB, m: s[0], n: s[1], k: s[2], alpha: ab[0], beta: ab[1], pad: (si + ai) % 3 * 2})
				}
				cases = append(cases, gemmCase{tA: tA, tB: tB, m: s[0], n: s[1], k: s[2], alpha: 1.5, beta: 0, nanC: true, pad: 1})
			}
		}
	}
	for _, tA := range []bool{false, true} {
		cases = append(cases, gemmCase{tA: tA, m: 4, n: 5, k: 0, alpha: 1, beta: 0, nanC: true}, gemmCase{tA: tA, m: 4, n: 5, k: 0, alpha: 1, beta: 3})
	}
	return cases
}

// forEachPath runs f once per path this CPU supports.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	for _, p := range Supported() {
		t.Run(string(p), func(t *testing.T) {
			defer usePath(p)()
			f(t)
		})
	}
}

func TestSgemmMatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, g := range gemmCases(testing.Short()) {
			runGemmCase(t, rng, g, Sgemm, 0x1p-24)
		}
	})
}

func TestDgemmMatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, g := range gemmCases(testing.Short()) {
			runGemmCase(t, rng, g, Dgemm, 0x1p-53)
		}
	})
}

// TestSgemmSameAcrossGOMAXPROCS checks the promise in doc.go: the split
// between goroutines never changes a summation order.
func TestSgemmSameAcrossGOMAXPROCS(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, s := range [][3]int{{150, 170, 300}, {1, 1000, 1200}, {1000, 1, 1200}} {
			m, n, k := s[0], s[1], s[2]
			a, b := randFloats[float32](rng, m*k), randFloats[float32](rng, k*n)
			for _, tB := range []bool{false, true} {
				ldb := n
				if tB {
					ldb = k
				}
				run := func(procs int) []float32 {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					c := make([]float32, m*n)
					Sgemm(false, tB, m, n, k, 1, a, k, b, ldb, 0, c, n)
					return c
				}
				one, three := run(1), run(3)
				for i := range one {
					if one[i] != three[i] {
						t.Fatalf("%dx%dx%d tB=%v: C[%d] = %v with GOMAXPROCS=1, %v with 3", m, n, k, tB, i, one[i], three[i])
					}
				}
			}
		}
	})
}

func TestGemmPanicsOnBadShapes(t *testing.T) {
	cases := []struct {
		name string
		call func()
	}{
		{"lda too small", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"a too short", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"c too short", func() {
			Dgemm(true, true, 2, 2, 3, 1, make([]float64, 6), 2, make([]float64, 6), 3, 0, make([]float64, 3), 2)
		}},
		{"negative m", func() { Dgemm(false, false, -1, 2, 3, 1, nil, 3, make([]float64, 6), 2, 0, nil, 2) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if len(msg) < 8 || msg[:8] != "kernels:" {
					t.Fatalf("panic = %q, want a message starting with kernels:", msg)
				}
			}()
			tc.call()
		})
	}
}

// FuzzSgemm checks arbitrary small shapes, transposes and strides on every path.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint8(1), uint64(1))
	f.Add(uint8(1), uint8(40), uint8(33), uint8(3), uint8(0), uint64(2))
	f.Add(uint8(29), uint8(1), uint8(255), uint8(1), uint8(2), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags, pad uint8, seed uint64) {
		g := gemmCase{m: int(m%70) + 1, n: int(n%70) + 1, k: int(k), tA: flags&1 != 0, tB: flags&2 != 0, pad: int(pad % 4), alpha: 1, beta: 0}
		if flags&4 != 0 {
			g.alpha, g.beta = -0.5, 1.5
		}
		for _, p := range Supported() {
			restore := usePath(p)
			runGemmCase(t, rand.New(rand.NewPCG(seed, 7)), g, Sgemm, 0x1p-24)
			restore()
		}
	})
}
