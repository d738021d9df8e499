package attention

import (
	"math"
	"testing"
)

func TestExpNonPositiveIsAccurate(t *testing.T) {
	for x := float32(-90); x <= 0; x += 0.001 {
		got, want := float64(expNonPositive(x)), math.Exp(float64(x))
		if want < 1e-37 {
			if got > 2e-37 {
				t.Fatalf("exp(%v) = %v, want ≈ 0", x, got)
			}
			continue
		}
		if rel := math.Abs(got-want) / want; rel > 2e-7 {
			t.Fatalf("exp(%v) = %v, want %v (relative error %.2g)", x, got, want, rel)
		}
	}
	if expNonPositive(float32(math.Inf(-1))) != 0 {
		t.Fatal("exp(−Inf) ≠ 0")
	}
}

func TestSoftmaxRowMaskedAndStable(t *testing.T) {
	row := []float32{1000, 1000, negInf}
	softmaxRow(row)
	if row[0] != 0.5 || row[1] != 0.5 || row[2] != 0 {
		t.Fatalf("softmax(1000, 1000, −Inf) = %v", row)
	}
	row = []float32{negInf, negInf}
	softmaxRow(row)
	if row[0] != 0 || row[1] != 0 {
		t.Fatalf("fully masked row = %v, want zeros", row)
	}
}

func BenchmarkSoftmaxRow(b *testing.B) {
	row := make([]float32, 1024)
	for i := range row {
		row[i] = float32(math.Sin(float64(i))) * 4
	}
	b.SetBytes(int64(4 * len(row)))
	for b.Loop() {
		softmaxRow(row)
	}
}

// BenchmarkExpRow compares the softmax's exponential loop with math.Exp.
func BenchmarkExpRow(b *testing.B) {
	xs := make([]float32, 1024)
	for i := range xs {
		xs[i] = -float32(i%97) * 0.1
	}
	row := make([]float32, len(xs))
	b.Run("expShifted", func(b *testing.B) {
		for b.Loop() {
			copy(row, xs)
			expShifted(row, 0)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			var sum float64
			for j, x := range xs {
				e := math.Exp(float64(x))
				row[j] = float32(e)
				sum += e
			}
		}
	})
}
