package stats_test

import (
	"context"
	"fmt"
	"math"

	"github.com/mlprep/mlprep/stats"
)

// Two models scored on the same ten test examples: the paired t-test sees
// the consistent per-example gain that an unpaired test would drown in the
// between-example spread.
func ExamplePairedTTest() {
	modelA := []float64{0.71, 0.64, 0.80, 0.58, 0.92, 0.67, 0.75, 0.61, 0.83, 0.70}
	modelB := []float64{0.68, 0.60, 0.79, 0.55, 0.90, 0.62, 0.74, 0.57, 0.80, 0.69}
	paired, _ := stats.PairedTTest(modelA, modelB, stats.Options{})
	welch, _ := stats.WelchTTest(modelA, modelB, stats.Options{})
	fmt.Printf("paired: t = %.2f, p = %.2g, 95%% CI [%.3f, %.3f]\n", paired.Statistic, paired.PValue, paired.CI.Low, paired.CI.High)
	fmt.Printf("Welch (ignores pairing): p = %.2f\n", welch.PValue)
	// Output:
	// paired: t = 6.02, p = 0.0002, 95% CI [0.017, 0.037]
	// Welch (ignores pairing): p = 0.59
}

func ExampleMannWhitneyU() {
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55}
	y := []float64{0.88, 0.65, 0.60, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	r, _ := stats.MannWhitneyU(x, y, stats.MannWhitneyOptions{})
	fmt.Printf("U = %v, p = %.4f (%s)\n", r.Statistic, r.PValue, r.Method)
	// Output:
	// U = 43, p = 0.2436 (asymptotic)
}

// BCa interval for the mean of a skewed sample, reproducible for any number
// of workers.
func ExampleBootstrap() {
	latency := []float64{12, 15, 11, 14, 90, 13, 12, 16, 14, 13, 11, 45, 12, 15, 13}
	mean := func(s ...[]float64) float64 {
		var t float64
		for _, v := range s[0] {
			t += v
		}
		return t / float64(len(s[0]))
	}
	r, err := stats.Bootstrap(context.Background(), [][]float64{latency}, mean, stats.BootstrapOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean %.1f ms, 95%% BCa CI [%.1f, %.1f]\n", r.Estimate, r.CI.Low, r.CI.High)
	// Output:
	// mean 20.4 ms, 95% BCa CI [13.5, 39.9]
}

// A paired permutation test swaps each example's two scores: with 12
// examples there are 4,096 ways, few enough to enumerate exactly.
func ExamplePermutationTest() {
	a := []float64{0.9, 0.8, 0.85, 0.7, 0.95, 0.6, 0.75, 0.88, 0.92, 0.81, 0.77, 0.69}
	b := []float64{0.85, 0.79, 0.8, 0.72, 0.9, 0.55, 0.7, 0.86, 0.9, 0.8, 0.7, 0.7}
	meanDiff := func(s ...[]float64) float64 {
		var d float64
		for i := range s[0] {
			d += s[0][i] - s[1][i]
		}
		return d / float64(len(s[0]))
	}
	r, _ := stats.PermutationTest(context.Background(), [][]float64{a, b}, meanDiff, stats.PermutationOptions{Type: stats.Paired})
	fmt.Printf("mean difference %.4f, p = %.4f, exact %v over %d arrangements\n", r.Statistic, r.PValue, r.Exact, len(r.Null))
	// Output:
	// mean difference 0.0292, p = 0.0098, exact true over 4096 arrangements
}

func ExampleAdjustPValues() {
	p := []float64{0.01, 0.04, 0.03, 0.005, 0.20}
	for _, m := range []stats.Correction{stats.Bonferroni, stats.Holm, stats.BenjaminiHochberg} {
		adj, _ := stats.AdjustPValues(p, m)
		fmt.Printf("%-19v %.3f\n", m, adj)
	}
	// Output:
	// Bonferroni          [0.050 0.200 0.150 0.025 1.000]
	// Holm                [0.040 0.090 0.090 0.025 0.200]
	// Benjamini–Hochberg  [0.025 0.050 0.050 0.025 0.200]
}

func ExampleTTestSampleSize() {
	n, _ := stats.TTestSampleSize(0.5, 0.05, 0.8, stats.TwoSided)
	fmt.Printf("a medium effect (d = 0.5) needs %.0f per group for 80%% power\n", math.Ceil(n))
	// Output:
	// a medium effect (d = 0.5) needs 64 per group for 80% power
}
