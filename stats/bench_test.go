package stats

import (
	"context"
	"testing"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"
)

// cpuTime is the process's user + system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	d, ok := cputime.Process()
	if !ok {
		b.Skip("process CPU time is not available on this system")
	}
	return d
}

// loopWithCPU runs f in the benchmark loop and reports CPU time per
// operation next to wall time: on a shared machine the wall time depends on
// the load, the CPU time much less.
func loopWithCPU(b *testing.B, f func() error) {
	start := cpuTime(b)
	n := 0
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}

// The BENCHMARKS.md comparisons with SciPy (scripts/bench/stats.sh): a BCa
// bootstrap of the mean of 1,000 values with 10,000 resamples, and 10,000-
// resample permutation tests of a mean difference.

func BenchmarkBootstrapBCaMean(b *testing.B) {
	x := normalSample(1000, 0, 1)
	loopWithCPU(b, func() error {
		_, err := Bootstrap(context.Background(), [][]float64{x}, meanStat, BootstrapOptions{Resamples: 10000})
		return err
	})
}

func BenchmarkPermutationIndependent(b *testing.B) {
	x, y := normalSample(500, 0, 1), normalSample(500, 0.1, 2)
	loopWithCPU(b, func() error {
		_, err := PermutationTest(context.Background(), [][]float64{x, y}, meanDifference, PermutationOptions{Resamples: 10000})
		return err
	})
}

func BenchmarkPermutationPaired(b *testing.B) {
	x, y := normalSample(1000, 0, 1), normalSample(1000, 0.1, 2)
	loopWithCPU(b, func() error {
		_, err := PermutationTest(context.Background(), [][]float64{x, y}, meanDifference, PermutationOptions{Type: Paired, Resamples: 10000})
		return err
	})
}

func BenchmarkMannWhitneyU(b *testing.B) {
	x, y := normalSample(1000, 0, 1), normalSample(1000, 0.1, 2)
	for b.Loop() {
		if _, err := MannWhitneyU(x, y, MannWhitneyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMannWhitneyUExactSmallVsLarge(b *testing.B) {
	x, y := normalSample(8, 0, 1), normalSample(2000, 0.5, 2)
	for b.Loop() {
		if _, err := MannWhitneyU(x, y, MannWhitneyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWilcoxonExact50(b *testing.B) {
	x := normalSample(50, 0.2, 1)
	for b.Loop() {
		if _, err := Wilcoxon(x, nil, WilcoxonOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWelchTTest(b *testing.B) {
	x, y := normalSample(1000, 0, 1), normalSample(1000, 0.1, 2)
	for b.Loop() {
		if _, err := WelchTTest(x, y, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
