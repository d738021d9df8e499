package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQuantizeU8(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(12, 13))
		// Ties (x·(1/scale) = k + 0.5 exactly, with scale a power of two), the
		// clamp on both sides, NaN and ±Inf, then random values; 37 values so
		// the SIMD body and the Go tail both run.
		special := []float32{0.25, 0.75, -0.25, 1.25, 63.75, -40, 300, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), -0.0}
		x := append(special, make([]float32, 26)...)
		for i := len(special); i < len(x); i++ {
			x[i] = float32(rng.NormFloat64() * 20)
		}
		for _, zp := range []int32{0, 3, 128, 255} {
			const scale = 0.5
			q := make([]uint8, len(x))
			QuantizeU8(x, scale, zp, q)
			for i, v := range x {
				var want int32
				switch {
				case math.IsNaN(float64(v)):
					want = 0
				default:
					r := math.RoundToEven(float64(v) * 2)
					want = int32(max(0, min(255, r+float64(zp))))
				}
				if int32(q[i]) != want {
					t.Fatalf("zp=%d: QuantizeU8(%v) = %d, want %d", zp, v, q[i], want)
				}
			}
		}
	})
}

func TestDequantize(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(14, 15))
		m, n, ld := 3, 21, 23
		acc := make([]int32, m*ld)
		for i := range acc {
			acc[i] = int32(rng.IntN(1<<20)) - 1<<19
		}
		offset := make([]int32, n)
		scale := randFloats[float32](rng, n)
		bias := randFloats[float32](rng, n)
		for j := range offset {
			offset[j] = int32(rng.IntN(2000)) - 1000
		}
		y := make([]float32, m*ld)
		Dequantize(m, n, acc, ld, offset, scale, bias, y, ld)
		for i := range m {
			for j := range n {
				// One FMA on the SIMD path, a multiply and an add in Go.
				want := float64(scale[j])*float64(acc[i*ld+j]+offset[j]) + float64(bias[j])
				got := float64(y[i*ld+j])
				if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("y[%d,%d] = %v, want %v", i, j, got, want)
				}
			}
		}
	})
}

// TestQuantisedLinearMatchesFloat runs the whole int8 Linear of doc.go and
// compares it with the float product on the dequantised operands, which it
// must reproduce up to float32 rounding of the epilogue.
func TestQuantisedLinearMatchesFloat(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(16, 17))
		m, n, k := 5, 40, 67
		qw := int8Fill[int8](rng, n*k, false)
		x := randFloats[float32](rng, m*k)
		const sx, zx, sw = 0.02, 131, 0.01
		qx := make([]uint8, m*k)
		QuantizeU8(x, sx, zx, qx)
		w := PackS8(n, k, qw, k)
		acc := make([]int32, m*n)
		w.MulU8(m, qx, k, acc, n)
		offset, scale, bias := make([]int32, n), make([]float32, n), randFloats[float32](rng, n)
		for j := range n {
			offset[j], scale[j] = -zx*w.RowSums()[j], sx*sw
		}
		y := make([]float32, m*n)
		Dequantize(m, n, acc, n, offset, scale, bias, y, n)
		for i := range m {
			for j := range n {
				var want float64
				for p := range k {
					want += sx * float64(int32(qx[i*k+p])-zx) * sw * float64(qw[j*k+p])
				}
				want += float64(bias[j])
				if got := float64(y[i*n+j]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("y[%d,%d] = %v, want %v", i, j, got, want)
				}
			}
		}
	})
}

func TestMinMax(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		nan, inf := float32(math.NaN()), float32(math.Inf(1))
		cases := []struct {
			x      []float32
			lo, hi float32
		}{
			{nil, inf, -inf},
			{[]float32{nan, nan}, inf, -inf},
			{[]float32{3}, 3, 3},
			{[]float32{nan, 1, 2, 3, 4, 5, 6, 7, -8, 9, nan, 10, 0.5}, -8, 10},
			{[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, -inf, 11, 12, 13, 14, 15, 16, 99}, -inf, 99},
			{[]float32{5, 5, 5, 5, 5, 5, 5, nan, -1}, -1, 5},
		}
		for _, c := range cases {
			lo, hi := MinMax(c.x)
			if lo != c.lo || hi != c.hi {
				t.Fatalf("MinMax(%v) = %v, %v, want %v, %v", c.x, lo, hi, c.lo, c.hi)
			}
		}
	})
}

func BenchmarkQuantizeU8(b *testing.B) {
	x := randFloats[float32](rand.New(rand.NewPCG(1, 2)), 64*1024)
	q := make([]uint8, len(x))
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		QuantizeU8(x, 0.05, 128, q)
	}
}

func BenchmarkDequantize(b *testing.B) {
	m, n := 64, 1024
	acc := make([]int32, m*n)
	offset, scale, bias, y := make([]int32, n), make([]float32, n), make([]float32, n), make([]float32, m*n)
	b.SetBytes(int64(4 * m * n))
	for b.Loop() {
		Dequantize(m, n, acc, n, offset, scale, bias, y, n)
	}
}
