package stats

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func normalSample(n int, mu float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + rng.NormFloat64()
	}
	return x
}

func meanStat(s ...[]float64) float64 { return mean(s[0]) }

func TestBootstrapIsDeterministicForAnyWorkerCount(t *testing.T) {
	x := normalSample(200, 1, 1)
	y := normalSample(200, 1.2, 2)
	for _, paired := range []bool{false, true} {
		var first BootstrapResult
		for _, w := range []int{1, 2, 3, 8} {
			r, err := Bootstrap(context.Background(), [][]float64{x, y}, meanDifference,
				BootstrapOptions{Resamples: 1000, Seed: 42, Workers: w, Paired: paired})
			require.NoError(t, err)
			if w == 1 {
				first = r
				continue
			}
			require.Equal(t, first, r, "workers=%d paired=%v", w, paired)
		}
	}
}

func TestPermutationTestIsDeterministicForAnyWorkerCount(t *testing.T) {
	x := normalSample(30, 0, 3)
	y := normalSample(30, 0.5, 4)
	for _, kind := range []PermutationType{Independent, Paired, Pairings} {
		var first PermutationResult
		for _, w := range []int{1, 2, 5} {
			r, err := PermutationTest(context.Background(), [][]float64{x, y}, meanDifference,
				PermutationOptions{Type: kind, Resamples: 700, Seed: 9, Workers: w})
			require.NoError(t, err)
			if w == 1 {
				first = r
				continue
			}
			require.Equal(t, first, r, "workers=%d type=%v", w, kind)
		}
	}
}

// Our resampling with our random streams must give SciPy's interval up to
// Monte Carlo error: compare with the interval SciPy computed from its own
// 2,000 resamples of the same data.
func TestBootstrapAgreesWithSciPyWithinMonteCarloError(t *testing.T) {
	for _, c := range loadGolden(t).Bootstrap {
		if c.Name == "constant" || c.Name == "median_ties" {
			continue // degenerate, or a median of rounded data whose ends jump a whole grid step
		}
		stat := goldenStatistics[c.Name]
		r, err := Bootstrap(context.Background(), c.Data, stat, BootstrapOptions{Paired: c.Paired, Seed: 5, Resamples: 20000})
		require.NoError(t, err)
		for _, g := range c.Results {
			if g.Method != "BCa" || g.Level != 0.95 {
				continue
			}
			width := *g.CI[1] - *g.CI[0]
			require.InDelta(t, *g.CI[0], r.CI.Low, 0.1*width, c.Name)
			require.InDelta(t, *g.CI[1], r.CI.High, 0.1*width, c.Name)
			requireRel(t, g.StandardError, r.StandardError, 0.05, c.Name)
		}
	}
}

// A 95% BCa interval for the mean of normal data covers the true mean about
// 95% of the time.
func TestBootstrapCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage simulation is slow")
	}
	const trials = 300
	covered := 0
	for i := range trials {
		x := normalSample(40, 3, uint64(100+i))
		r, err := Bootstrap(context.Background(), [][]float64{x}, meanStat, BootstrapOptions{Resamples: 999, Seed: uint64(i)})
		require.NoError(t, err)
		if r.CI.Low <= 3 && 3 <= r.CI.High {
			covered++
		}
	}
	// Binomial(300, 0.95) lies in [270, 295] with probability > 0.999;
	// BCa at n = 40 runs slightly below nominal.
	require.GreaterOrEqual(t, covered, 265)
	require.LessOrEqual(t, covered, 296)
}

func TestResamplingHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := normalSample(50, 0, 1)
	_, err := Bootstrap(ctx, [][]float64{x}, meanStat, BootstrapOptions{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = PermutationTest(ctx, [][]float64{x, x}, meanDifference, PermutationOptions{})
	require.ErrorIs(t, err, context.Canceled)
}

func TestBootstrapDegenerateAndNaN(t *testing.T) {
	constant := []float64{2, 2, 2, 2, 2}
	r, err := Bootstrap(context.Background(), [][]float64{constant}, meanStat, BootstrapOptions{Resamples: 100})
	require.NoError(t, err)
	require.False(t, r.Defined)
	require.True(t, math.IsNaN(r.CI.Low))
	require.Contains(t, r.Reason, "degenerate")
	// The percentile interval of a constant is that constant.
	r, err = Bootstrap(context.Background(), [][]float64{constant}, meanStat, BootstrapOptions{Resamples: 100, Method: PercentileInterval})
	require.NoError(t, err)
	require.True(t, r.Defined)
	require.Equal(t, Interval{Low: 2, High: 2, Level: 0.95}, r.CI)

	nanStat := func(s ...[]float64) float64 { return math.NaN() }
	r, err = Bootstrap(context.Background(), [][]float64{{1, 2, 3}}, nanStat, BootstrapOptions{Resamples: 10})
	require.NoError(t, err)
	require.False(t, r.Defined)
	require.Contains(t, r.Reason, "NaN")
}

func TestPermutationExactDecision(t *testing.T) {
	x, y := []float64{1, 2, 3, 4}, []float64{5, 6, 7, 8}
	// C(8, 4) = 70 distinct splits: exact for 70 resamples, random for 69.
	r, err := PermutationTest(context.Background(), [][]float64{x, y}, meanDifference, PermutationOptions{Resamples: 70})
	require.NoError(t, err)
	require.True(t, r.Exact)
	require.Len(t, r.Null, 70)
	// Complete separation: 2 of 70 splits are as extreme.
	require.InDelta(t, 2.0/70, r.PValue, 1e-15)
	r, err = PermutationTest(context.Background(), [][]float64{x, y}, meanDifference, PermutationOptions{Resamples: 69})
	require.NoError(t, err)
	require.False(t, r.Exact)
	require.Len(t, r.Null, 69)
	require.Greater(t, r.PValue, 1.0/70) // (k + 1)/(R + 1) is never below 1/(R + 1)
}

func TestResamplingBadInput(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		err  func() error
		want error
	}{
		{"bootstrap no samples", func() error { _, err := Bootstrap(ctx, nil, meanStat, BootstrapOptions{}); return err }, ErrEmpty},
		{"bootstrap one value", func() error { _, err := Bootstrap(ctx, [][]float64{{1}}, meanStat, BootstrapOptions{}); return err }, ErrEmpty},
		{"bootstrap NaN", func() error {
			_, err := Bootstrap(ctx, [][]float64{{1, math.NaN()}}, meanStat, BootstrapOptions{})
			return err
		}, ErrNaN},
		{"bootstrap paired lengths", func() error {
			_, err := Bootstrap(ctx, [][]float64{{1, 2, 3}, {1, 2}}, meanDifference, BootstrapOptions{Paired: true})
			return err
		}, ErrLength},
		{"bootstrap confidence", func() error {
			_, err := Bootstrap(ctx, [][]float64{{1, 2}}, meanStat, BootstrapOptions{Confidence: 1.5})
			return err
		}, ErrArgument},
		{"bootstrap workers", func() error {
			_, err := Bootstrap(ctx, [][]float64{{1, 2}}, meanStat, BootstrapOptions{Workers: -1})
			return err
		}, ErrArgument},
		{"bootstrap method", func() error {
			_, err := Bootstrap(ctx, [][]float64{{1, 2}}, meanStat, BootstrapOptions{Method: 7})
			return err
		}, ErrArgument},
		{"permutation one sample independent", func() error {
			_, err := PermutationTest(ctx, [][]float64{{1, 2}}, meanStat, PermutationOptions{})
			return err
		}, ErrEmpty},
		{"permutation paired lengths", func() error {
			_, err := PermutationTest(ctx, [][]float64{{1, 2, 3}, {1, 2}}, meanDifference, PermutationOptions{Type: Paired})
			return err
		}, ErrLength},
		{"permutation resamples", func() error {
			_, err := PermutationTest(ctx, [][]float64{{1, 2}, {3, 4}}, meanDifference, PermutationOptions{Resamples: -5})
			return err
		}, ErrArgument},
		{"permutation type", func() error {
			_, err := PermutationTest(ctx, [][]float64{{1, 2}, {3, 4}}, meanDifference, PermutationOptions{Type: 9})
			return err
		}, ErrArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.ErrorIs(t, c.err(), c.want) })
	}
}
