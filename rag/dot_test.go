package rag

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 80; n++ {
		a, b := make([]float32, n), make([]float32, n+3)
		var want float64
		for i := range a {
			a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			want += float64(a[i]) * float64(b[i])
		}
		if got := float64(dot(a, b)); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("n=%d: dot = %v, want %v", n, got, want)
		}
		if got := float64(dotGonum(a, b)); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("n=%d: gonum dot = %v, want %v", n, got, want)
		}
	}
}

func BenchmarkDot384(b *testing.B) {
	x, y := make([]float32, 384), make([]float32, 384)
	for i := range x {
		x[i], y[i] = float32(i), 1/float32(i+1)
	}
	var s float32
	for range b.N {
		s += dot(x, y)
	}
	_ = s
}

func BenchmarkDotGonum384(b *testing.B) {
	x, y := make([]float32, 384), make([]float32, 384)
	var s float32
	for range b.N {
		s += dotGonum(x, y)
	}
	_ = s
}
