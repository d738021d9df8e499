package eval

import (
	"math/rand/v2"
	"testing"
)

// benchScores returns n labels with 1% positives and rounded scores (many
// ties, as a detector's scores have).
func benchScores(n int) ([]int, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]int, n)
	s := make([]float64, n)
	for i := range y {
		if rng.Float64() < 0.01 {
			y[i] = 1
		}
		s[i] = float64(int((rng.NormFloat64()+2*float64(y[i]))*1000)) / 1000
	}
	return y, s
}

func BenchmarkNewRanking1M(b *testing.B) {
	y, s := benchScores(1_000_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewRanking(y, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkROCAUC100k(b *testing.B) {
	y, s := benchScores(100_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := ROCAUC(y, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRankingReport(b *testing.B) {
	y, s := benchScores(100_000)
	r, err := NewRanking(y, s)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_, _ = r.AveragePrecision()
		_, _ = r.PrecisionAtK(100)
		_, _ = r.RecallAtK(1000)
		_, _ = r.RecallAtFPR(0.001)
	}
}
