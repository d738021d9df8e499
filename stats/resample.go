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

// blockRand returns the random stream of block b under seed.
func blockRand(seed uint64, b int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(b)^0x9e3779b97f4a7c15))
}

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
