package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAllFinite(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		bad := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
			math.Float32frombits(0x7fc00001), math.Float32frombits(0xff800001)} // quiet and signalling NaN payloads
		edge := []float32{0, float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-40}
		for _, n := range []int{0, 1, 7, 31, 32, 33, 64, 95, 1000} {
			x := randFloats[float32](rng, n)
			for i := range x {
				x[i] *= 1e30
				if i < len(edge) {
					x[i] = edge[i]
				}
			}
			if !AllFinite(x) {
				t.Fatalf("n=%d: finite data reported non-finite", n)
			}
			for pos := 0; pos < n; pos += max(1, n/7) {
				for _, b := range bad {
					old := x[pos]
					x[pos] = b
					if AllFinite(x) {
						t.Fatalf("n=%d: %v at %d not found", n, b, pos)
					}
					x[pos] = old
				}
			}
		}
	})
}

func BenchmarkAllFinite(b *testing.B) {
	x := randFloats[float32](rand.New(rand.NewPCG(1, 2)), 64*1024)
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		if !AllFinite(x) {
			b.Fatal("not finite")
		}
	}
}
