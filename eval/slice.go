package eval

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/mlprep/mlprep/stats"
)

// Feature is a slicing variable: one category per example (a protocol, a
// data source, a demographic group, a bucket of a continuous property).
type Feature struct {
	Name   string
	Values []string
}

// SliceOptions configures Slice. The zero value computes 95% BCa intervals
// from 999 resamples and flags slices at α = 0.05 after Holm's correction.
type SliceOptions struct {
	// Resamples is the number of bootstrap resamples per interval and of
	// permutations per flag test; 0 means 999.
	Resamples int
	// Confidence is the interval level; 0 means 0.95.
	Confidence float64
	// Interval is the bootstrap method (zero value BCa).
	Interval stats.BootstrapMethod
	// Alpha is the significance level for flags after correction; 0 means
	// 0.05.
	Alpha float64
	// Correction adjusts each metric's group p-values for multiplicity
	// (zero value Holm).
	Correction stats.Correction
	// PointEstimatesOnly skips intervals and tests.
	PointEstimatesOnly bool
	// Seed makes intervals and tests reproducible.
	Seed    uint64
	Workers int // for the resampling; 0 means runtime.GOMAXPROCS(0)
}

// Estimate is one metric on one group (or overall).
type Estimate struct {
	Value float64
	// CI is the bootstrap interval; Level 0 when not computed or undefined.
	CI stats.Interval
	// Defined is false when the metric cannot be computed on this group
	// (Value NaN; Reason says why — e.g. ROC AUC on a group with one class).
	Defined bool
	Reason  string
	// PValue is the one-sided permutation p-value for "this group is worse
	// than the other examples", AdjustedP the same after the correction;
	// both NaN when not tested. Flagged means AdjustedP ≤ Alpha.
	PValue, AdjustedP float64
	Flagged           bool
}

// Group is one slice: the examples sharing a value of every feature.
type Group struct {
	Values  []string // one per feature
	Size    int
	Metrics []Estimate // one per metric, in Frame.Metrics order
	index   []int
}

// Frame is a sliced evaluation, like Fairlearn's MetricFrame: every metric
// overall and on every group.
type Frame struct {
	Features []string
	Metrics  []Metric
	Overall  []Estimate
	Groups   []Group
	Options  SliceOptions
}

// Name is the group's label, "feature=value" joined by ", ".
func (f *Frame) Name(g Group) string {
	parts := make([]string, len(g.Values))
	for i, v := range g.Values {
		parts[i] = f.Features[i] + "=" + v
	}
	return strings.Join(parts, ", ")
}

// Slice evaluates metrics on s overall and on every group of examples that
// share the values of features (the groups are the combinations present,
// sorted; with no features, only overall). Unless o.PointEstimatesOnly, each estimate gets a bootstrap
// confidence interval (resampling the group's examples, through
// stats.Bootstrap), and each group a one-sided permutation test of "the
// metric is worse on this group than on the rest of the examples"
// (stats.PermutationTest reassigning examples between the group and the
// rest); the p-values of each metric are adjusted over the groups with
// o.Correction and groups with adjusted p ≤ o.Alpha are flagged. A metric
// that fails on a group (one class, no positives) leaves that estimate
// undefined and untested instead of failing the frame. It returns ErrLength
// or ErrEmpty for unusable input and ctx.Err() if cancelled.
func Slice(ctx context.Context, s Sample, features []Feature, metrics []Metric, o SliceOptions) (*Frame, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if len(metrics) == 0 {
		return nil, fmt.Errorf("%w: no metrics", ErrArgument)
	}
	if o.Resamples == 0 {
		o.Resamples = 999
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if !(o.Alpha > 0 && o.Alpha < 1) {
		return nil, fmt.Errorf("%w: alpha %v", ErrArgument, o.Alpha)
	}
	f := &Frame{Metrics: metrics, Options: o}
	keys := make([]string, s.Len())
	for _, ft := range features {
		if len(ft.Values) != s.Len() {
			return nil, fmt.Errorf("%w: feature %q has %d values for %d examples", ErrLength, ft.Name, len(ft.Values), s.Len())
		}
		f.Features = append(f.Features, ft.Name)
	}
	groups := map[string]*Group{}
	for i := range keys {
		if len(features) == 0 {
			break // no features: the overall estimates only
		}
		vals := make([]string, len(features))
		for j, ft := range features {
			vals[j] = ft.Values[i]
		}
		key := strings.Join(vals, "\x00")
		g, ok := groups[key]
		if !ok {
			g = &Group{Values: vals}
			groups[key] = g
		}
		g.index = append(g.index, i)
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		g.Size = len(g.index)
		f.Groups = append(f.Groups, *g)
	}
	all := make([]int, s.Len())
	for i := range all {
		all[i] = i
	}
	var err error
	if f.Overall, err = f.estimates(ctx, s, all, 0); err != nil {
		return nil, err
	}
	for gi := range f.Groups {
		if f.Groups[gi].Metrics, err = f.estimates(ctx, s, f.Groups[gi].index, gi+1); err != nil {
			return nil, err
		}
	}
	if !o.PointEstimatesOnly && len(f.Groups) > 1 {
		if err := f.flag(ctx, s); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// metricOn returns a stats.Statistic that evaluates m on the examples whose
// indices (stored as float64) it is given; NaN when the metric fails. The
// resampling calls it concurrently, so buffers come from a pool.
func metricOn(s Sample, m Metric) func(idx []float64) float64 {
	type buffers struct {
		ix  []int
		sub Sample
	}
	pool := sync.Pool{New: func() any { return new(buffers) }}
	return func(idx []float64) float64 {
		b := pool.Get().(*buffers)
		defer pool.Put(b)
		b.ix = b.ix[:0]
		for _, v := range idx {
			b.ix = append(b.ix, int(v))
		}
		s.subsetInto(&b.sub, b.ix)
		v, err := m.Func(b.sub)
		if err != nil {
			return math.NaN()
		}
		return v
	}
}

func asFloats(idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, v := range idx {
		out[i] = float64(v)
	}
	return out
}

// estimates computes every metric on the examples idx, with intervals.
func (f *Frame) estimates(ctx context.Context, s Sample, idx []int, stream int) ([]Estimate, error) {
	sub := s.Subset(idx)
	out := make([]Estimate, len(f.Metrics))
	for mi, m := range f.Metrics {
		e := Estimate{PValue: math.NaN(), AdjustedP: math.NaN(), Defined: true}
		v, err := m.Func(sub)
		if err != nil {
			e.Value, e.Defined, e.Reason = math.NaN(), false, err.Error()
			out[mi] = e
			continue
		}
		e.Value = v
		if !f.Options.PointEstimatesOnly && len(idx) >= 2 {
			on := metricOn(s, m)
			b, err := stats.Bootstrap(ctx, [][]float64{asFloats(idx)}, func(x ...[]float64) float64 { return on(x[0]) },
				stats.BootstrapOptions{Method: f.Options.Interval, Confidence: f.Options.Confidence, Resamples: f.Options.Resamples,
					Seed: f.Options.Seed ^ uint64(stream)<<32 ^ uint64(mi), Workers: f.Options.Workers})
			if err != nil {
				return nil, err
			}
			if b.Defined {
				e.CI = b.CI
			}
		}
		out[mi] = e
	}
	return out, nil
}

// flag runs the group-versus-rest permutation tests and the correction.
func (f *Frame) flag(ctx context.Context, s Sample) error {
	for mi, m := range f.Metrics {
		alt := stats.Less
		if m.LowerIsBetter {
			alt = stats.Greater
		}
		on := metricOn(s, m)
		diff := func(x ...[]float64) float64 { return on(x[0]) - on(x[1]) }
		var tested []int
		var pvals []float64
		for gi := range f.Groups {
			g := &f.Groups[gi]
			rest := complement(g.index, s.Len())
			if !g.Metrics[mi].Defined || len(g.index) < 2 || len(rest) < 2 {
				continue
			}
			r, err := stats.PermutationTest(ctx, [][]float64{asFloats(g.index), asFloats(rest)}, diff,
				stats.PermutationOptions{Alternative: alt, Resamples: f.Options.Resamples,
					Seed: f.Options.Seed ^ uint64(gi+1)<<40 ^ uint64(mi), Workers: f.Options.Workers})
			if err != nil {
				return err
			}
			if math.IsNaN(r.Statistic) {
				continue
			}
			g.Metrics[mi].PValue = r.PValue
			tested = append(tested, gi)
			pvals = append(pvals, r.PValue)
		}
		if len(pvals) == 0 {
			continue
		}
		adj, err := stats.AdjustPValues(pvals, f.Options.Correction)
		if err != nil {
			return err
		}
		for k, gi := range tested {
			e := &f.Groups[gi].Metrics[mi]
			e.AdjustedP = adj[k]
			e.Flagged = adj[k] <= f.Options.Alpha
		}
	}
	return nil
}

// complement returns the indices in [0, n) not in sorted idx.
func complement(idx []int, n int) []int {
	out := make([]int, 0, n-len(idx))
	j := 0
	for i := range n {
		if j < len(idx) && idx[j] == i {
			j++
			continue
		}
		out = append(out, i)
	}
	return out
}

// metricIndex finds a metric by name; an unknown name is a programmer error.
func (f *Frame) metricIndex(name string) int {
	for i, m := range f.Metrics {
		if m.Name == name {
			return i
		}
	}
	panic(fmt.Sprintf("eval: frame has no metric %q", name))
}

// groupValues returns the defined values of a metric across groups.
func (f *Frame) groupValues(metric string) []float64 {
	mi := f.metricIndex(metric)
	var v []float64
	for _, g := range f.Groups {
		if g.Metrics[mi].Defined {
			v = append(v, g.Metrics[mi].Value)
		}
	}
	return v
}

// GroupMin is the smallest value of metric over the groups where it is
// defined (NaN if none). It panics if the frame has no such metric.
func (f *Frame) GroupMin(metric string) float64 {
	v := f.groupValues(metric)
	if len(v) == 0 {
		return math.NaN()
	}
	return slices.Min(v)
}

// GroupMax is the largest value of metric over the groups.
func (f *Frame) GroupMax(metric string) float64 {
	v := f.groupValues(metric)
	if len(v) == 0 {
		return math.NaN()
	}
	return slices.Max(v)
}

// Difference is GroupMax − GroupMin, Fairlearn's difference() between
// groups: 0 when every group scores the same.
func (f *Frame) Difference(metric string) float64 { return f.GroupMax(metric) - f.GroupMin(metric) }

// Ratio is GroupMin / GroupMax, Fairlearn's ratio() between groups: 1 when
// every group scores the same (the "four-fifths rule" asks for ≥ 0.8 of a
// selection rate).
func (f *Frame) Ratio(metric string) float64 { return f.GroupMin(metric) / f.GroupMax(metric) }
