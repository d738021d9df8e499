package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveDot is the float64 reference and the bound Σ|x||y| on the rounding
// error of any summation order.
func naiveDot(x, y []float32) (want, bound float64) {
	for i := range x {
		p := float64(x[i]) * float64(y[i])
		want += p
		bound += math.Abs(p)
	}
	return want, bound
}

func TestSdotMatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for n := 0; n <= 300; n++ {
			x, y := randFloats[float32](rng, n), randFloats[float32](rng, n)
			want, bound := naiveDot(x, y)
			got := float64(Sdot(x, y))
			if tol := 2 * float64(n) * 0x1p-24 * bound; math.Abs(got-want) > tol+1e-30 {
				t.Fatalf("n=%d: Sdot = %v, want %v (tolerance %g)", n, got, want, tol)
			}
		}
	})
}

func TestSdotRowsMatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, c := range []struct{ rows, k, pad int }{{0, 5, 0}, {1, 0, 1}, {3, 7, 1}, {4, 16, 0}, {9, 33, 3}, {17, 384, 0}, {130, 100, 5}} {
			ldm := c.k + c.pad
			x := randFloats[float32](rng, c.k)
			m := randFloats[float32](rng, max(0, (c.rows-1)*ldm+c.k))
			y := make([]float32, c.rows)
			for j := range y {
				y[j] = float32(math.NaN()) // must be overwritten
			}
			SdotRows(x, m, ldm, y)
			for j, got := range y {
				want, bound := naiveDot(x, m[j*ldm:j*ldm+c.k])
				if tol := 2 * float64(c.k) * 0x1p-24 * bound; math.Abs(float64(got)-want) > tol+1e-30 {
					t.Errorf("%+v row %d: %v, want %v", c, j, got, want)
				}
			}
		}
	})
}

func TestSdotGatherMatchesNaive(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, c := range []struct{ stored, k, pad, picks int }{{5, 0, 1, 3}, {5, 7, 0, 4}, {20, 16, 0, 0}, {20, 33, 2, 9}, {50, 384, 0, 32}, {9, 100, 3, 13}} {
			ldm := c.k + c.pad
			x := randFloats[float32](rng, c.k)
			m := randFloats[float32](rng, (c.stored-1)*ldm+c.k)
			rows := make([]int32, c.picks)
			for j := range rows {
				rows[j] = int32(rng.IntN(c.stored))
			}
			if len(rows) > 0 {
				rows[len(rows)/2] = int32(c.stored - 1) // the last row ends m exactly
			}
			y := make([]float32, c.picks)
			SdotGather(x, m, ldm, rows, y)
			for j, r := range rows {
				want, bound := naiveDot(x, m[int(r)*ldm:int(r)*ldm+c.k])
				if tol := 2 * float64(c.k) * 0x1p-24 * bound; math.Abs(float64(y[j])-want) > tol+1e-30 {
					t.Errorf("%+v pick %d (row %d): %v, want %v", c, j, r, y[j], want)
				}
			}
		}
	})
}

func TestSdotPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
		msg  string
	}{
		{"Sdot lengths", func() { Sdot(make([]float32, 3), make([]float32, 4)) }, "kernels: Sdot: x has 3 elements, y has 4"},
		{"SdotRows short m", func() { SdotRows(make([]float32, 4), make([]float32, 7), 4, make([]float32, 2)) }, "kernels: SdotRows: m is 2×4 with ldm = 4 and needs 8 elements, has 7"},
		{"SdotGather outputs", func() { SdotGather(make([]float32, 4), make([]float32, 16), 4, []int32{0, 1}, make([]float32, 1)) }, "kernels: SdotGather: 2 rows into 1 outputs"},
		{"SdotGather row", func() { SdotGather(make([]float32, 4), make([]float32, 15), 4, []int32{0, 3}, make([]float32, 2)) }, "kernels: SdotGather: row 3 of 4 columns with ldm = 4 is outside m (15 elements)"},
		{"SdotGather negative row", func() { SdotGather(make([]float32, 4), make([]float32, 16), 4, []int32{-1}, make([]float32, 1)) }, "kernels: SdotGather: row -1"},
		{"SdotRows stride", func() { SdotRows(make([]float32, 4), make([]float32, 16), 3, make([]float32, 2)) }, "kernels: SdotRows: ldm = 3 is less than the 4 columns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := fmt.Sprint(recover()); !strings.HasPrefix(r, c.msg) {
					t.Errorf("panic %q, want prefix %q", r, c.msg)
				}
			}()
			c.f()
		})
	}
}

// BenchmarkSdot reports MB/s as MFLOP/s (2n flops per call).
func BenchmarkSdot(b *testing.B) {
	for _, p := range Supported() {
		for _, n := range []int{384, 1536} {
			b.Run(fmt.Sprintf("%s/%d", p, n), func(b *testing.B) {
				defer usePath(p)()
				rng := rand.New(rand.NewPCG(1, 2))
				x, y := randFloats[float32](rng, n), randFloats[float32](rng, n)
				b.SetBytes(int64(2 * n))
				var s float32
				for b.Loop() {
					s += Sdot(x, y)
				}
				_ = s
			})
		}
	}
}

// BenchmarkSdotGather scores 32 scattered rows of a 100,000 × 384 matrix
// (150 MB, far beyond the caches) against one query: the neighbours of one
// node in an HNSW search, against one Sdot per row.
func BenchmarkSdotGather(b *testing.B) {
	const stored, k, picks = 100000, 384, 32
	rng := rand.New(rand.NewPCG(1, 2))
	x, m, y := randFloats[float32](rng, k), randFloats[float32](rng, stored*k), make([]float32, picks)
	rows := make([]int32, picks*1024)
	for i := range rows {
		rows[i] = int32(rng.IntN(stored))
	}
	for _, p := range Supported() {
		b.Run(string(p), func(b *testing.B) {
			defer usePath(p)()
			b.SetBytes(int64(2 * picks * k))
			i := 0
			for b.Loop() {
				SdotGather(x, m, k, rows[i:i+picks], y)
				i = (i + picks) % len(rows)
			}
		})
		b.Run(string(p)+"/one-by-one", func(b *testing.B) {
			defer usePath(p)()
			b.SetBytes(int64(2 * picks * k))
			i := 0
			for b.Loop() {
				for j, r := range rows[i : i+picks] {
					y[j] = Sdot(x, m[int(r)*k:int(r+1)*k])
				}
				i = (i + picks) % len(rows)
			}
		})
	}
}

// BenchmarkSdotRows scores 4,096 stored 384-d vectors against one query,
// one block of exact vector search.
func BenchmarkSdotRows(b *testing.B) {
	const rows, k = 4096, 384
	for _, p := range Supported() {
		b.Run(string(p), func(b *testing.B) {
			defer usePath(p)()
			rng := rand.New(rand.NewPCG(1, 2))
			x, m, y := randFloats[float32](rng, k), randFloats[float32](rng, rows*k), make([]float32, rows)
			b.SetBytes(int64(2 * rows * k))
			for b.Loop() {
				SdotRows(x, m, k, y)
			}
		})
	}
}
