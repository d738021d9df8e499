package lanl

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mlprep/mlprep/anomaly"
)

// Variant is a way to score incidents; the evaluation compares them side
// by side (an ablation: what each part of the pipeline adds).
type Variant int

// The scoring variants, from the baseline alone to the full fusion.
const (
	// VariantEventScore ranks by the most surprising event, MaxScore: the
	// per-event baseline alone.
	VariantEventScore Variant = iota
	// VariantNovelty ranks by Novelty: how many new computers, and how
	// unlikely each was for the user.
	VariantNovelty
	// VariantGraph fuses the graph features alone (new edges, burst,
	// chain, PageRank, out-degree) with Fisher's method.
	VariantGraph
	// VariantFusion fuses every suspicious feature with Fisher's method.
	VariantFusion
	// VariantRRF fuses the same features by reciprocal rank fusion.
	VariantRRF
	// VariantHarmonic fuses the same features by the harmonic mean of
	// their tail probabilities.
	VariantHarmonic
	// VariantIsolationForest scores with an Isolation Forest (package
	// anomaly) on the log-scaled features.
	VariantIsolationForest
	numVariants
)

// Variants lists every variant, for an ablation table.
func Variants() []Variant {
	v := make([]Variant, numVariants)
	for i := range v {
		v[i] = Variant(i)
	}
	return v
}

var variantNames = [numVariants]string{"event-score", "novelty", "graph", "fisher", "rrf", "harmonic", "iforest"}

// String is the variant's short name, as ParseVariant reads it.
func (v Variant) String() string {
	if v >= 0 && v < numVariants {
		return variantNames[v]
	}
	return fmt.Sprintf("Variant(%d)", int(v))
}

// ParseVariant returns the variant with the short name s ("graph",
// "fisher", …), or an error wrapping ErrConfig that lists the names.
func ParseVariant(s string) (Variant, error) {
	for i, n := range variantNames {
		if n == s {
			return Variant(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown variant %q (have %s)", ErrConfig, s, strings.Join(variantNames[:], ", "))
}

// signal is a feature where larger is more suspicious.
type signal struct {
	name  string
	graph bool // a graph feature (the graph variant fuses these)
	// family groups signals that measure the same thing (several views of
	// "went somewhere new"), so that fusion counts the evidence once; 0
	// leaves the signal out of the fusions.
	family family
	value  func(*Incident) float64
	// describe renders the value for an alert's reasons.
	describe func(*Incident) string
}

// family is a group of dependent signals.
type family int

// The families: destinations new to the user (how many, how unlikely),
// unusual timing, credentials used from new places, and fast spread.
const (
	notFused family = iota
	familyNovelty
	familyTiming
	familyCredential
	familySpread
	numFamilies
)

// PageRank and out-degree are features (for the forest, the export and the
// analyst) but not fused: a first visit to a central server is routine,
// and a busy user is not a suspicious one.
var signals = []signal{
	{"max_score", false, familyNovelty, func(in *Incident) float64 { return in.MaxScore },
		func(in *Incident) string { return fmt.Sprintf("an event with surprise %.1f nats", in.MaxScore) }},
	{"novelty", false, familyNovelty, func(in *Incident) float64 { return in.Novelty },
		func(in *Incident) string { return fmt.Sprintf("novelty %.1f nats over new computers", in.Novelty) }},
	{"max_hour_surprise", false, familyTiming, func(in *Incident) float64 { return in.MaxHourSurprise },
		func(in *Incident) string {
			return fmt.Sprintf("activity at an unusual hour (%.1f nats)", in.MaxHourSurprise)
		}},
	{"new_destinations", false, familyNovelty, func(in *Incident) float64 { return float64(in.NewDestinations) },
		func(in *Incident) string { return fmt.Sprintf("%d new destination computers", in.NewDestinations) }},
	{"new_sources", false, familyCredential, func(in *Incident) float64 { return float64(in.NewSources) },
		func(in *Incident) string { return fmt.Sprintf("logged on from %d new source computers", in.NewSources) }},
	{"new_edges", true, familyNovelty, func(in *Incident) float64 { return float64(in.NewEdges) },
		func(in *Incident) string { return fmt.Sprintf("%d never-seen computer→computer edges", in.NewEdges) }},
	{"burst", true, familySpread, func(in *Incident) float64 { return float64(in.Burst) },
		func(in *Incident) string { return fmt.Sprintf("fan-out of %d new computers in one burst", in.Burst) }},
	{"source_fan_in", true, familyCredential, func(in *Incident) float64 { return float64(in.SourceFanIn) },
		func(in *Incident) string {
			return fmt.Sprintf("logged on from a computer %d users newly log on from", in.SourceFanIn)
		}},
	{"chain", true, familySpread, func(in *Incident) float64 { return float64(in.Chain) },
		func(in *Incident) string { return fmt.Sprintf("a chain of %d hops over new edges", in.Chain) }},
	{"pagerank", true, notFused, func(in *Incident) float64 { return in.PageRank },
		func(in *Incident) string {
			return fmt.Sprintf("reached a computer of PageRank %.1f× average", in.PageRank)
		}},
	{"destinations", true, notFused, func(in *Incident) float64 { return float64(in.Destinations) },
		func(in *Incident) string { return fmt.Sprintf("%d distinct destinations", in.Destinations) }},
}

// tails returns each incident's empirical upper-tail probability for one
// signal, p = #{j: x_j ≥ x_i} / n over all incidents of the scoring
// period. Ties share their p, so the all-zero majority gets p = 1 and adds
// nothing to a fusion. (Tails within each window were tried: they take out
// drifts that move every user at once, but cap every window's extreme at
// 1/(incidents in the window), so each quiet day brings its own top alert;
// on the woven red team they lost half the precision@10.)
func tails(incs []Incident, s signal) []float64 {
	x := signalValues(incs, s)
	// Values sorted descending with their positions (an unstable sort is
	// enough: ties share their p), then one pass over the runs of equal
	// values; a stable sort of indices compared through x cost five times
	// as much. A NaN (no evidence) gets p = 1.
	type valueAt struct {
		v float64
		i int32
	}
	order := make([]valueAt, 0, len(x))
	p := make([]float64, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			p[i] = 1
			continue
		}
		order = append(order, valueAt{v, int32(i)})
	}
	slices.SortFunc(order, func(a, b valueAt) int { return cmp.Compare(b.v, a.v) })
	n := float64(len(x))
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && order[j].v == order[i].v {
			j++
		}
		for _, o := range order[i:j] {
			p[o.i] = float64(j) / n
		}
		i = j
	}
	return p
}

func signalValues(incs []Incident, s signal) []float64 {
	x := make([]float64, len(incs))
	for i := range incs {
		x[i] = s.value(&incs[i])
	}
	return x
}

// familyTails returns, per family, each incident's family tail
// probability: the smallest tail probability of the family's signals
// (among those use accepts), Bonferroni-corrected, min(1, k·min p), so a
// family of k dependent views of one thing counts as one piece of evidence
// (Tippett's method within a family). Families with no signal are nil.
func familyTails(incs []Incident, use func(signal) bool) [][]float64 {
	out := make([][]float64, numFamilies)
	k := make([]float64, numFamilies)
	var used []signal
	for _, s := range signals {
		if s.family == notFused || !use(s) {
			continue
		}
		used = append(used, s)
		f := s.family
		if out[f] == nil {
			out[f] = make([]float64, len(incs))
			for i := range out[f] {
				out[f][i] = 1
			}
		}
		k[f]++
	}
	// Each signal's tails is a sort of its own, the ranking's whole cost:
	// they run on all cores (the stream is over, nothing else is running),
	// and folding them in by min gives the same result in any order.
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range min(runtime.GOMAXPROCS(0), len(used)) {
		wg.Go(func() {
			for j := next.Add(1) - 1; j < int64(len(used)); j = next.Add(1) - 1 {
				s := used[j]
				t := tails(incs, s)
				mu.Lock()
				for i, p := range t {
					out[s.family][i] = min(out[s.family][i], p)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for f, ps := range out {
		for i := range ps {
			ps[i] = min(1, k[f]*ps[i])
		}
	}
	return out
}

// fisher combines the families' tail probabilities by Fisher's method,
// −2 Σ log p: large when an incident is extreme in several independent
// respects at once. (The families are not exactly independent, so this is
// a ranking, not a test.)
func fisher(incs []Incident, use func(signal) bool) []float64 {
	score := make([]float64, len(incs))
	for _, ps := range familyTails(incs, use) {
		for i, p := range ps {
			score[i] -= 2 * math.Log(p)
		}
	}
	return score
}

// harmonic ranks by the harmonic mean of the families' tail
// probabilities, m / Σ 1/p (Wilson 2019), through its reciprocal Σ 1/p:
// unlike Fisher's sum of logs it is dominated by the most extreme family,
// so one overwhelming piece of evidence is enough.
func harmonic(incs []Incident) []float64 {
	score := make([]float64, len(incs))
	for _, ps := range familyTails(incs, func(signal) bool { return true }) {
		for i, p := range ps {
			score[i] += 1 / p
		}
	}
	return score
}

// rrfK is reciprocal rank fusion's constant (Cormack, Clarke & Büttcher
// 2009): it damps the weight of the very first ranks.
const rrfK = 60

// rrf fuses the fused signals by Σ 1/(k + rank), ranks from 1 (a tie
// group takes its last rank, exact for untied values).
func rrf(incs []Incident) []float64 {
	score := make([]float64, len(incs))
	n := float64(len(incs))
	for _, s := range signals {
		if s.family == notFused {
			continue
		}
		for i, p := range tails(incs, s) {
			score[i] += 1 / (rrfK + p*n)
		}
	}
	return score
}

// Score returns each incident's score under variant v (larger = more
// suspicious). Only the Isolation Forest is random; seed fixes it.
func Score(ctx context.Context, incs []Incident, v Variant, seed uint64) ([]float64, error) {
	if len(incs) == 0 {
		return nil, ErrNoEvents
	}
	switch v {
	case VariantEventScore:
		return signalValues(incs, signals[0]), nil
	case VariantNovelty:
		return signalValues(incs, signals[1]), nil
	case VariantGraph:
		return fisher(incs, func(s signal) bool { return s.graph }), nil
	case VariantFusion:
		return fisher(incs, func(signal) bool { return true }), nil
	case VariantRRF:
		return rrf(incs), nil
	case VariantHarmonic:
		return harmonic(incs), nil
	case VariantIsolationForest:
		x := make([][]float64, len(incs))
		for i := range incs {
			row := make([]float64, len(signals))
			for j, s := range signals {
				row[j] = math.Log1p(max(0, s.value(&incs[i])))
			}
			x[i] = row
		}
		f, err := anomaly.IsolationForest{Seed: seed}.Fit(ctx, x)
		if err != nil {
			return nil, err
		}
		s, err := f.ScoreSamples(ctx, x)
		if err != nil {
			return nil, err
		}
		for i := range s {
			s[i] = -s[i]
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: unknown variant %d", ErrConfig, int(v))
}

// Alert is a ranked incident with the reasons an analyst reads first.
type Alert struct {
	Incident
	Rank  int     // 1 is the most suspicious
	Score float64 // the variant's score
	// Reasons are the incident's most unusual features, most unusual first,
	// each with how rare it is among all incidents.
	Reasons []string
}

// Alerts ranks incidents by score (descending; ties keep the incidents'
// order, so the ranking is deterministic) and returns the top k (all when k ≤ 0), each with up to
// three reasons: the signals with the smallest tail probability.
func Alerts(incs []Incident, score []float64, k int) []Alert {
	if len(score) != len(incs) {
		panic(fmt.Sprintf("lanl: Alerts with %d incidents and %d scores", len(incs), len(score)))
	}
	order := make([]int, len(incs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if score[a] != score[b] {
			if score[a] > score[b] {
				return -1
			}
			return 1
		}
		return 0
	})
	if k <= 0 || k > len(order) {
		k = len(order)
	}
	p := make([][]float64, len(signals))
	for j, s := range signals {
		p[j] = tailsAt(incs, s, order[:k])
	}
	out := make([]Alert, k)
	for r, i := range order[:k] {
		out[r] = Alert{Incident: incs[i], Rank: r + 1, Score: score[i], Reasons: reasons(&incs[i], r, p)}
	}
	return out
}

// fewAlerts is the number of alerts up to which tailsAt counts instead of
// sorting.
const fewAlerts = 32

// tailsAt is tails(incs, s) at the incidents at only: the reasons of a
// short alert list need a handful of tail probabilities, and one counting
// pass over the values per signal is cheaper than tails' sort.
func tailsAt(incs []Incident, s signal, at []int) []float64 {
	p := make([]float64, len(at))
	if len(at) > fewAlerts {
		all := tails(incs, s)
		for r, i := range at {
			p[r] = all[i]
		}
		return p
	}
	var v, count [fewAlerts]float64
	for r, i := range at {
		v[r] = s.value(&incs[i])
	}
	for i := range incs {
		x := s.value(&incs[i])
		for r := range at {
			if x >= v[r] {
				count[r]++
			}
		}
	}
	for r := range at {
		p[r] = count[r] / float64(len(incs))
		if math.IsNaN(v[r]) {
			p[r] = 1
		}
	}
	return p
}

// reasons lists the signals on which the incident ranked r is most
// extreme; p[j][r] is its tail probability for signal j.
func reasons(in *Incident, r int, p [][]float64) []string {
	idx := make([]int, 0, len(signals))
	for j := range signals {
		if p[j][r] < 0.5 {
			idx = append(idx, j)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch pa, pb := p[a][r], p[b][r]; {
		case pa < pb:
			return -1
		case pa > pb:
			return 1
		}
		return 0
	})
	var out []string
	for _, j := range idx[:min(3, len(idx))] {
		out = append(out, fmt.Sprintf("%s (top %s)", signals[j].describe(in), percent(p[j][r])))
	}
	return out
}

func percent(p float64) string {
	switch {
	case p < 0.001:
		return fmt.Sprintf("%.3f%%", 100*p)
	case p < 0.1:
		return fmt.Sprintf("%.1f%%", 100*p)
	}
	return fmt.Sprintf("%.0f%%", 100*p)
}
