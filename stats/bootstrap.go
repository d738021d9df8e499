package stats

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// BootstrapMethod chooses how Bootstrap turns the bootstrap distribution
// into a confidence interval.
type BootstrapMethod int

const (
	// BCa is the bias-corrected and accelerated percentile interval (Efron
	// 1987), the zero value and SciPy's default: second-order accurate, and
	// right for skewed statistics.
	BCa BootstrapMethod = iota
	// PercentileInterval takes the α/2 and 1 − α/2 percentiles of the
	// bootstrap distribution.
	PercentileInterval
	// BasicInterval reflects the percentile interval about the estimate:
	// [2θ̂ − q(1 − α/2), 2θ̂ − q(α/2)].
	BasicInterval
)

func (m BootstrapMethod) String() string {
	switch m {
	case BCa:
		return "BCa"
	case PercentileInterval:
		return "percentile"
	case BasicInterval:
		return "basic"
	}
	return fmt.Sprintf("BootstrapMethod(%d)", int(m))
}

// BootstrapOptions configures Bootstrap. The zero value is SciPy's default:
// a 95% BCa interval from 9,999 resamples, samples resampled independently,
// seed 0, one worker per CPU.
type BootstrapOptions struct {
	Method     BootstrapMethod
	Confidence float64 // 0 means 0.95
	Resamples  int     // 0 means 9,999
	// Paired resamples the same indices from every sample, keeping the
	// observations' pairing: use it for two models' scores on the same
	// test examples. The samples must have equal lengths.
	Paired bool
	// Seed selects the random resamples. The result depends only on Seed,
	// never on Workers.
	Seed    uint64
	Workers int // 0 means runtime.GOMAXPROCS(0)
}

// BootstrapResult is a bootstrap confidence interval.
type BootstrapResult struct {
	// Estimate is the statistic on the original data.
	Estimate float64
	CI       Interval
	// StandardError is the standard deviation (ddof 1) of Distribution.
	StandardError float64
	// Distribution is the statistic on each resample, in resample order.
	Distribution []float64
	Method       BootstrapMethod
	// Defined is false when the interval cannot be computed (CI is NaN):
	// BCa on a degenerate distribution, or a statistic that returned NaN.
	Defined bool
	Reason  string
}

// Bootstrap computes a confidence interval for stat on data
// (scipy.stats.bootstrap): it evaluates stat on Resamples resamples drawn
// with replacement — each sample independently, or the same indices for all
// when Paired — and reads the interval off the distribution by o.Method.
// Resamples run in parallel in fixed blocks with one random stream each, so
// the result is identical for any Workers. Each sample needs two values;
// NaN or ±Inf in the data is an error. It returns ctx.Err() if cancelled.
func Bootstrap(ctx context.Context, data [][]float64, stat Statistic, o BootstrapOptions) (BootstrapResult, error) {
	if err := checkSamples(data, 2, o.Paired); err != nil {
		return BootstrapResult{}, err
	}
	level, err := confidence(o.Confidence)
	if err != nil {
		return BootstrapResult{}, err
	}
	if o.Method < BCa || o.Method > BasicInterval {
		return BootstrapResult{}, fmt.Errorf("%w: bootstrap method %v", ErrArgument, o.Method)
	}
	resamples := o.Resamples
	if resamples == 0 {
		resamples = 9999
	}
	if resamples < 2 {
		return BootstrapResult{}, fmt.Errorf("%w: %d resamples", ErrArgument, resamples)
	}
	workers, err := workerCount(o.Workers)
	if err != nil {
		return BootstrapResult{}, err
	}
	dist := make([]float64, resamples)
	type scratch struct {
		bufs [][]float64
		idx  []uint32
	}
	var identity []uint32 // 0, 1, …: resampled into shared paired indices
	if o.Paired {
		identity = make([]uint32, len(data[0]))
		for i := range identity {
			identity[i] = uint32(i)
		}
	}
	err = parallelBlocks(ctx, resamples, workers,
		func() scratch { return scratch{makeLike(data), make([]uint32, len(data[0]))} },
		func(s scratch, block, lo, hi int) {
			rng := blockStream(o.Seed, block)
			for b := lo; b < hi; b++ {
				if o.Paired {
					resample(rng, s.idx, identity)
					for k, x := range data {
						gather(s.bufs[k], x, s.idx)
					}
				} else {
					for k, x := range data {
						resample(rng, s.bufs[k], x)
					}
				}
				dist[b] = stat(s.bufs...)
			}
		})
	if err != nil {
		return BootstrapResult{}, err
	}
	var jack [][]float64
	if o.Method == BCa {
		if jack, err = jackknife(ctx, data, stat, o.Paired, workers); err != nil {
			return BootstrapResult{}, err
		}
	}
	return bootstrapInterval(stat(data...), dist, jack, o.Method, level), nil
}

// gather sets dst[i] = src[idx[i]].
func gather(dst, src []float64, idx []uint32) {
	for i, k := range idx {
		dst[i] = src[k]
	}
}

// checkSamples validates the data of a resampling procedure.
func checkSamples(data [][]float64, min int, paired bool) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: no samples", ErrEmpty)
	}
	for i, x := range data {
		if err := checkFinite(fmt.Sprintf("sample %d", i), x, min); err != nil {
			return err
		}
		if paired && len(x) != len(data[0]) {
			return fmt.Errorf("%w: paired sample %d has %d values, sample 0 has %d", ErrLength, i, len(x), len(data[0]))
		}
	}
	return nil
}

// makeLike returns zeroed slices with the lengths of data's samples.
func makeLike(data [][]float64) [][]float64 {
	out := make([][]float64, len(data))
	for i, x := range data {
		out[i] = make([]float64, len(x))
	}
	return out
}

// jackknife returns, for each sample j, the statistic with each observation
// of sample j left out in turn (SciPy's _bca_interval); when paired, one
// list that leaves out each index from every sample at once.
func jackknife(ctx context.Context, data [][]float64, stat Statistic, paired bool, workers int) ([][]float64, error) {
	groups := make([][]int, 0, len(data)) // which samples lose an observation together
	if paired {
		all := make([]int, len(data))
		for s := range all {
			all[s] = s
		}
		groups = append(groups, all)
	} else {
		for s := range data {
			groups = append(groups, []int{s})
		}
	}
	out := make([][]float64, len(groups))
	for g, drop := range groups {
		n := len(data[drop[0]])
		out[g] = make([]float64, n)
		err := parallelBlocks(ctx, n, workers, func() [][]float64 {
			bufs := make([][]float64, len(data))
			copy(bufs, data)
			for _, s := range drop {
				bufs[s] = make([]float64, n-1)
			}
			return bufs
		}, func(bufs [][]float64, _, lo, hi int) {
			for i := lo; i < hi; i++ {
				for _, s := range drop {
					copy(bufs[s], data[s][:i])
					copy(bufs[s][i:], data[s][i+1:])
				}
				out[g][i] = stat(bufs...)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bootstrapInterval turns a bootstrap distribution into the interval of
// method; jack holds the jackknife values BCa needs.
func bootstrapInterval(estimate float64, dist []float64, jack [][]float64, method BootstrapMethod, level float64) BootstrapResult {
	res := BootstrapResult{Estimate: estimate, Distribution: dist, Method: method, Defined: true}
	res.StandardError = stdDev(dist)
	for _, v := range dist {
		if math.IsNaN(v) {
			res.CI = Interval{Low: math.NaN(), High: math.NaN(), Level: level}
			res.Defined, res.Reason = false, "the statistic returned NaN on a resample"
			return res
		}
	}
	sorted := slices.Sorted(slices.Values(dist))
	alpha := (1 - level) / 2
	lo, hi := alpha, 1-alpha
	if method == BCa {
		lo, hi = bcaLevels(estimate, sorted, jack, alpha)
		if math.IsNaN(lo) || math.IsNaN(hi) {
			res.CI = Interval{Low: math.NaN(), High: math.NaN(), Level: level}
			res.Defined, res.Reason = false, "BCa is undefined: the bootstrap or jackknife distribution is degenerate"
			return res
		}
	}
	low, high := PercentileSorted(sorted, lo*100), PercentileSorted(sorted, hi*100)
	if method == BasicInterval {
		low, high = 2*estimate-high, 2*estimate-low
	}
	res.CI = Interval{Low: low, High: high, Level: level}
	return res
}

// bcaLevels returns the BCa-adjusted percentile levels (Efron & Tibshirani
// 1993, eq. 14.10 and 14.15): the bias correction ẑ₀ = Φ⁻¹(fraction of the
// distribution below θ̂, ties counting ½) and the acceleration
// â = Σ U³ / (6 (Σ U²)^{3/2}) from jackknife influence values U, summed over
// samples with SciPy's per-sample normalisation.
func bcaLevels(estimate float64, sorted []float64, jack [][]float64, alpha float64) (float64, float64) {
	below, _ := slices.BinarySearch(sorted, estimate) // count < θ̂
	atOrBelow := below
	for atOrBelow < len(sorted) && sorted[atOrBelow] <= estimate {
		atOrBelow++
	}
	normal := distuv.UnitNormal
	z0 := normal.Quantile(float64(below+atOrBelow) / float64(2*len(sorted)))
	var num, den float64
	for _, th := range jack {
		n := float64(len(th))
		dot := mean(th)
		u3 := make([]float64, len(th))
		u2 := make([]float64, len(th))
		for i, v := range th {
			u := (n - 1) * (dot - v)
			u2[i] = u * u
			u3[i] = u * u * u
		}
		num += numpySum(u3) / (n * n * n)
		den += numpySum(u2) / (n * n)
	}
	a := 1.0 / 6 * num / math.Pow(den, 1.5)
	za := normal.Quantile(alpha)
	n1 := z0 + za
	n2 := z0 - za
	return normal.CDF(z0 + n1/(1-a*n1)), normal.CDF(z0 + n2/(1-a*n2))
}

// stdDev is numpy.std with ddof 1.
func stdDev(x []float64) float64 {
	m := mean(x)
	sq := make([]float64, len(x))
	for i, v := range x {
		sq[i] = (v - m) * (v - m)
	}
	return math.Sqrt(numpySum(sq) / float64(len(x)-1))
}
