package stats

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/combin"
)

// PermutationType says what the null hypothesis lets a permutation test
// exchange, as scipy.stats.permutation_test's permutation_type.
type PermutationType int

const (
	// Independent pools the samples and reassigns observations to samples
	// (exchangeable under "same distribution"): two-sample and k-sample
	// tests. The zero value. SciPy's "independent".
	Independent PermutationType = iota
	// Paired permutes the values within each observation index across the
	// samples — for two samples, swaps x[i] and y[i] — as for two models
	// scored on the same examples. With a single sample it flips the sign
	// of each value (a test of symmetry about zero). SciPy's "samples".
	Paired
	// Pairings permutes the order of each sample, breaking the pairing
	// between samples: tests of association such as a correlation. SciPy's
	// "pairings".
	Pairings
)

func (p PermutationType) String() string {
	switch p {
	case Independent:
		return "independent"
	case Paired:
		return "samples"
	case Pairings:
		return "pairings"
	}
	return fmt.Sprintf("PermutationType(%d)", int(p))
}

// PermutationOptions configures PermutationTest. The zero value is SciPy's
// default: independent samples, two-sided, 9,999 resamples, seed 0, one
// worker per CPU.
type PermutationOptions struct {
	Type        PermutationType
	Alternative Alternative
	// Resamples is the number of random permutations; 0 means 9,999. When
	// it is at least the number of distinct permutations the test
	// enumerates them all instead (exact). Set it to math.MaxInt to insist
	// on the exact test.
	Resamples int
	// Seed selects the random permutations; the result depends only on
	// Seed, never on Workers.
	Seed    uint64
	Workers int // 0 means runtime.GOMAXPROCS(0)
}

// PermutationResult is the outcome of a permutation test.
type PermutationResult struct {
	// Statistic is stat on the data as given.
	Statistic float64
	PValue    float64
	// Null is the statistic under each permutation: every distinct one when
	// Exact, else the random ones in resample order.
	Null  []float64
	Exact bool
}

// PermutationTest is scipy.stats.permutation_test: the p-value of stat on
// data against its distribution over the rearrangements the null hypothesis
// allows. An exact test counts the permutations at least as extreme,
// p = k/N; a Monte Carlo test of R random permutations uses
// p = (k + 1)/(R + 1), which never reports 0 and keeps the test valid
// (Phipson & Smyth 2010). "At least as extreme" allows a relative tolerance
// of 1e-14 so that rounding does not split ties, and the two-sided p-value
// is twice the smaller one-sided one, capped at 1 — SciPy's conventions.
// Each sample needs two values (Paired: equal lengths). Random permutations
// run in parallel in fixed blocks, so the result does not depend on
// Workers. It returns ctx.Err() if cancelled.
func PermutationTest(ctx context.Context, data [][]float64, stat Statistic, o PermutationOptions) (PermutationResult, error) {
	if o.Type < Independent || o.Type > Pairings {
		return PermutationResult{}, fmt.Errorf("%w: permutation type %v", ErrArgument, o.Type)
	}
	if o.Type == Independent && len(data) < 2 {
		return PermutationResult{}, fmt.Errorf("%w: an independent-samples test needs two samples, got %d", ErrEmpty, len(data))
	}
	if err := checkSamples(data, 2, o.Type != Independent); err != nil {
		return PermutationResult{}, err
	}
	if err := o.Alternative.valid(); err != nil {
		return PermutationResult{}, err
	}
	resamples := o.Resamples
	if resamples == 0 {
		resamples = 9999
	}
	if resamples < 0 {
		return PermutationResult{}, fmt.Errorf("%w: %d resamples", ErrArgument, resamples)
	}
	workers, err := workerCount(o.Workers)
	if err != nil {
		return PermutationResult{}, err
	}
	p := newPermuter(data, o.Type)
	exact := float64(resamples) >= p.distinct
	n := resamples
	if exact {
		n = int(p.distinct)
	}
	null := make([]float64, n)
	err = parallelBlocks(ctx, n, workers, p.scratch, func(s *permScratch, block, lo, hi int) {
		if exact {
			for i := lo; i < hi; i++ {
				p.arrangement(s, i)
				null[i] = stat(s.bufs...)
			}
			return
		}
		rng := blockStream(o.Seed, block)
		for i := lo; i < hi; i++ {
			p.random(s, rng)
			null[i] = stat(s.bufs...)
		}
	})
	if err != nil {
		return PermutationResult{}, err
	}
	observed := stat(data...)
	return PermutationResult{Statistic: observed, PValue: permutationPValue(observed, null, exact, o.Alternative), Null: null, Exact: exact}, nil
}

// permutationPValue applies SciPy's comparison tolerance and p-value
// conventions.
func permutationPValue(observed float64, null []float64, exact bool, alt Alternative) float64 {
	gamma := max(1e-14, math.Abs(1e-14*observed))
	adj := 1.0
	if exact {
		adj = 0
	}
	var le, ge float64
	for _, v := range null {
		if v <= observed+gamma {
			le++
		}
		if v >= observed-gamma {
			ge++
		}
	}
	r := float64(len(null))
	pLess, pGreater := (le+adj)/(r+adj), (ge+adj)/(r+adj)
	var p float64
	switch alt {
	case Less:
		p = pLess
	case Greater:
		p = pGreater
	default:
		p = 2 * min(pLess, pGreater)
	}
	return min(max(p, 0), 1)
}

// permuter rearranges data under one permutation type, either the i-th of
// all distinct arrangements (exact) or a random one.
type permuter struct {
	data     [][]float64
	kind     PermutationType
	pooled   []float64 // Independent: the samples concatenated
	distinct float64   // number of distinct arrangements, +Inf when huge
}

func newPermuter(data [][]float64, kind PermutationType) *permuter {
	p := &permuter{data: data, kind: kind}
	switch kind {
	case Independent:
		p.pooled = slices.Concat(data...)
		p.distinct = 1
		left := len(p.pooled)
		for _, x := range data {
			p.distinct *= combinations(left, len(x))
			left -= len(x)
		}
	case Paired:
		// Each observation's values are permuted among the samples: k!
		// ways each (two for one sample: the sign).
		k := max(len(data), 2)
		p.distinct = math.Pow(factorial(k), float64(len(data[0])))
	case Pairings:
		p.distinct = math.Pow(factorial(len(data[0])), float64(len(data)))
	}
	return p
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

// permScratch is one goroutine's working space.
type permScratch struct {
	// bufs are the samples handed to the statistic. For Independent they
	// are consecutive windows of pool, so shuffling pool rearranges them.
	bufs [][]float64
	pool []float64
	perm []int
	left []int
}

func (p *permuter) scratch() *permScratch {
	s := &permScratch{}
	if p.kind == Independent {
		s.pool = make([]float64, len(p.pooled))
		s.left = make([]int, len(p.pooled))
		off := 0
		for _, x := range p.data {
			s.bufs = append(s.bufs, s.pool[off:off+len(x):off+len(x)])
			off += len(x)
		}
	} else {
		s.bufs = makeLike(p.data)
	}
	longest := len(p.data)
	for _, x := range p.data {
		longest = max(longest, len(x))
	}
	s.perm = make([]int, longest)
	return s
}

// arrangement fills s.bufs with the i-th distinct arrangement, reading i as
// a mixed-radix number: one digit per sample (which of the observations
// left it gets) for Independent, per observation (how its values are
// permuted among the samples) for Paired, per sample (its order) for
// Pairings.
func (p *permuter) arrangement(s *permScratch, i int) {
	switch p.kind {
	case Independent:
		left := s.left[:len(p.pooled)]
		for j := range left {
			left[j] = j
		}
		for b, buf := range s.bufs[:len(s.bufs)-1] {
			c := int(combinations(len(left), len(buf)))
			chosen := combin.IndexToCombination(s.perm[:len(buf)], i%c, len(left), len(buf))
			i /= c
			rest, taken := left[:0], 0
			for pos, idx := range left {
				if taken < len(chosen) && chosen[taken] == pos {
					s.bufs[b][taken] = p.pooled[idx]
					taken++
				} else {
					rest = append(rest, idx)
				}
			}
			left = rest
		}
		for j, idx := range left {
			s.bufs[len(s.bufs)-1][j] = p.pooled[idx]
		}
	case Paired:
		if len(p.data) == 1 {
			for j, v := range p.data[0] {
				if i%2 == 1 {
					v = -v
				}
				s.bufs[0][j] = v
				i /= 2
			}
			return
		}
		k := len(p.data)
		kf := int(factorial(k))
		perm := s.perm[:k]
		for j := range p.data[0] {
			combin.IndexToPermutation(perm, i%kf, k, k)
			i /= kf
			for b := range k {
				s.bufs[b][j] = p.data[perm[b]][j]
			}
		}
	case Pairings:
		n := len(p.data[0])
		nf := int(factorial(n))
		perm := s.perm[:n]
		for b, x := range p.data {
			combin.IndexToPermutation(perm, i%nf, n, n)
			i /= nf
			for j, idx := range perm {
				s.bufs[b][j] = x[idx]
			}
		}
	}
}

// random fills s.bufs with a uniformly random arrangement.
func (p *permuter) random(s *permScratch, rng *uniform) {
	switch p.kind {
	case Independent:
		// Start from the data's order every time so the result depends on
		// the random stream only, not on what this goroutine did before.
		copy(s.pool, p.pooled)
		shuffle(s.pool, rng)
	case Paired:
		// One random bit per observation, applied without branches (a
		// mispredicted branch per value would cost more than the rest).
		var bits uint64
		switch len(p.data) {
		case 1: // flip signs
			for j, v := range p.data[0] {
				if j%64 == 0 {
					bits = rng.bits()
				}
				s.bufs[0][j] = math.Float64frombits(math.Float64bits(v) ^ (bits&1)<<63)
				bits >>= 1
			}
			return
		case 2: // swap pairs
			x, y, bx, by := p.data[0], p.data[1], s.bufs[0], s.bufs[1]
			for j := range x {
				if j%64 == 0 {
					bits = rng.bits()
				}
				a, b := math.Float64bits(x[j]), math.Float64bits(y[j])
				d := (a ^ b) & -(bits & 1)
				bx[j], by[j] = math.Float64frombits(a^d), math.Float64frombits(b^d)
				bits >>= 1
			}
			return
		}
		k := len(p.data)
		perm := s.perm[:k]
		for j := range p.data[0] {
			for b := range perm {
				perm[b] = b
			}
			shuffle(perm, rng)
			for b := range k {
				s.bufs[b][j] = p.data[perm[b]][j]
			}
		}
	case Pairings:
		for b, x := range p.data {
			copy(s.bufs[b], x)
			shuffle(s.bufs[b], rng)
		}
	}
}

// shuffle is a Fisher–Yates shuffle. For slices shorter than 2¹⁶ it takes
// four 16-bit draws from each generator output, as resample does; the bound
// j + 1 changes every step, so the rejection threshold is only computed on
// the rare draws that might need it.
func shuffle[T any](x []T, rng *uniform) {
	j := len(x) - 1
	if len(x) < 1<<16 {
		pcg := *rng.pcg // a local copy keeps the state in registers
		for ; j >= 4; j -= 4 {
			r := pcg.Uint64()
			for lane := range 4 {
				n := uint32(j + 1 - lane)
				m := uint32(uint16(r>>(16*lane))) * n
				if uint16(m) < uint16(n) {
					m = redraw16(&pcg, n, uint16((1<<16-n)%n), m)
				}
				k := m >> 16
				x[j-lane], x[k] = x[k], x[j-lane]
			}
		}
		*rng.pcg = pcg
	}
	for ; j > 0; j-- {
		k := rng.below(uint32(j + 1))
		x[j], x[k] = x[k], x[j]
	}
}
