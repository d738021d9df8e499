package anomaly

import (
	"context"
	"math/rand/v2"
	"testing"
)

// uniformRows returns n×d draws from U(0, 1).
func uniformRows(n, d int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	flat := make([]float64, n*d)
	for i := range flat {
		flat[i] = rng.Float64()
	}
	x := make([][]float64, n)
	for i := range x {
		x[i] = flat[i*d : (i+1)*d : (i+1)*d]
	}
	return x
}

// BenchmarkFitScore1Mx10 is the BENCHMARKS.md speed target: fit 100 trees
// with max_samples 256 on 1,000,000×10 uniform data and score all of it.
func BenchmarkFitScore1Mx10(b *testing.B) {
	x := uniformRows(1_000_000, 10, 1)
	b.ResetTimer()
	for i := range b.N {
		f, err := IsolationForest{MaxSamples: 256, Seed: uint64(i)}.Fit(context.Background(), x)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.ScoreSamples(context.Background(), x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFit(b *testing.B) {
	x := uniformRows(100_000, 10, 1)
	b.ResetTimer()
	for i := range b.N {
		if _, err := (IsolationForest{Seed: uint64(i)}).Fit(context.Background(), x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScoreSamples(b *testing.B) {
	x := uniformRows(100_000, 10, 1)
	f, err := IsolationForest{Seed: 1}.Fit(context.Background(), x)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := f.ScoreSamples(context.Background(), x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtendedFitScore(b *testing.B) {
	x := uniformRows(100_000, 10, 1)
	b.ResetTimer()
	for i := range b.N {
		f, err := ExtendedIsolationForest{Seed: uint64(i)}.Fit(context.Background(), x)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.ScoreSamples(context.Background(), x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRobustZ(b *testing.B) {
	x := uniformRows(100_000, 10, 1)
	b.ResetTimer()
	for range b.N {
		z, err := FitRobustZ(x)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := z.ScoreSamples(x); err != nil {
			b.Fatal(err)
		}
	}
}
