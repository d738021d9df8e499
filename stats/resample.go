package stats

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Statistic computes a number from one or more samples, like the statistic
// argument of scipy.stats.bootstrap and permutation_test. Resampling calls
// it concurrently from several goroutines, each with slices it owns: it must
// not retain or modify them, and must be safe for concurrent use (a pure
// function is).
type Statistic func(samples ...[]float64) float64

// blockSize is the number of resamples drawn from one random stream. It is
// fixed, not derived from the worker count, so that resample b always comes
// from stream b/blockSize and results do not depend on Workers.
const blockSize = 64

// uniform draws from the random stream of one block. It hands out 32-bit
// halves of each 64-bit PCG output, and maps them to [0, n) with Lemire's
// multiply-and-reject method, which is exactly uniform: half the generator
// calls of rand.IntN, and no interface call in the resampling loops.
type uniform struct {
	pcg   *rand.PCG
	spare uint32
	full  bool
}

// blockStream returns the random stream of block b under seed.
func blockStream(seed uint64, b int) *uniform {
	return &uniform{pcg: rand.NewPCG(seed, uint64(b)^0x9e3779b97f4a7c15)}
}

func (u *uniform) uint32() uint32 {
	if u.full {
		u.full = false
		return u.spare
	}
	x := u.pcg.Uint64()
	u.spare, u.full = uint32(x>>32), true
	return uint32(x)
}

// below returns a uniform integer in [0, n), n ≥ 1. The fast path is small
// enough to inline into the resampling loops.
func (u *uniform) below(n uint32) uint32 {
	m := uint64(u.uint32()) * uint64(n)
	if uint32(m) < n {
		m = u.reject(n, m)
	}
	return uint32(m >> 32)
}

// resample sets dst to a with-replacement resample of src, 1 ≤ len(src) <
// 2³²: index generation and gather fused. The generator is the cost that
// matters, so each 64-bit output is split into four 16-bit draws when
// len(src) < 2¹⁶ (two 32-bit ones otherwise). Resampling the identity
// 0, 1, … gives shared indices for paired data.
func resample[T float64 | uint32](u *uniform, dst, src []T) {
	if len(src) >= 1<<16 {
		n := uint32(len(src))
		for i := range dst {
			dst[i] = src[u.below(n)]
		}
		return
	}
	// Lemire: a 16-bit draw d maps to (d·n)>>16, rejecting the draws whose
	// low half (d·n mod 2¹⁶) is below 2¹⁶ mod n — computed once here.
	n := uint32(len(src))
	t := uint16((1<<16 - n) % n)
	// A local copy of the generator keeps its state in registers.
	pcg := *u.pcg
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		x := pcg.Uint64()
		m0 := uint32(uint16(x)) * n
		m1 := uint32(uint16(x>>16)) * n
		m2 := uint32(uint16(x>>32)) * n
		m3 := uint32(uint16(x>>48)) * n
		if uint16(m0) < t || uint16(m1) < t || uint16(m2) < t || uint16(m3) < t {
			// Rare (probability below 4n/2¹⁶): redraw the biased lanes.
			m0, m1, m2, m3 = redraw16(&pcg, n, t, m0), redraw16(&pcg, n, t, m1), redraw16(&pcg, n, t, m2), redraw16(&pcg, n, t, m3)
		}
		d := dst[i : i+4 : i+4]
		d[0], d[1], d[2], d[3] = src[m0>>16], src[m1>>16], src[m2>>16], src[m3>>16]
	}
	for ; i < len(dst); i++ {
		dst[i] = src[redraw16(&pcg, n, t, uint32(uint16(pcg.Uint64()))*n)>>16]
	}
	*u.pcg = pcg
}

// redraw16 returns m, or m for fresh 16-bit draws while its low half is
// below t.
func redraw16(pcg *rand.PCG, n uint32, t uint16, m uint32) uint32 {
	for uint16(m) < t {
		m = uint32(uint16(pcg.Uint64())) * n
	}
	return m
}

// reject redraws while the low half of m falls in the 2³² mod n values that
// would bias the result (probability below n/2³²).
func (u *uniform) reject(n uint32, m uint64) uint64 {
	threshold := -n % n
	for uint32(m) < threshold {
		m = uint64(u.uint32()) * uint64(n)
	}
	return m
}

// bits returns 64 random bits.
func (u *uniform) bits() uint64 { return u.pcg.Uint64() }

// workerCount resolves a Workers option.
func workerCount(w int) (int, error) {
	switch {
	case w < 0:
		return 0, fmt.Errorf("%w: %d workers", ErrArgument, w)
	case w == 0:
		return runtime.GOMAXPROCS(0), nil
	}
	return w, nil
}

// parallelBlocks splits [0, n) into blocks of blockSize and runs
// work(scratch, block, lo, hi) for each on up to workers goroutines. Each
// goroutine builds one scratch with newScratch and reuses it. It stops
// early, returning ctx.Err(), when ctx is cancelled.
func parallelBlocks[S any](ctx context.Context, n, workers int, newScratch func() S, work func(s S, block, lo, hi int)) error {
	blocks := (n + blockSize - 1) / blockSize
	workers = max(1, min(workers, blocks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newScratch()
			for b := range next {
				work(s, b, b*blockSize, min(n, (b+1)*blockSize))
			}
		}()
	}
	var err error
feed:
	for b := range blocks {
		select {
		case next <- b:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return err
}
