package adversarial

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkRows is how many rows one worker attacks at a time. It is a constant,
// not derived from the number of workers, so every row is computed in the same
// company whatever the parallelism, and results are bit-identical for any
// Workers setting.
const chunkRows = 128

// forChunks splits the rows [0, n) into chunks of chunkRows and runs work on
// each, from up to workers goroutines (GOMAXPROCS when workers ≤ 0). work
// must write only to its own rows. It stops handing out chunks once ctx is
// done and then returns ctx's error. A panic in work (a misbehaving Model)
// stops the other workers and is raised again in the caller's goroutine,
// where it can be recovered.
func forChunks(ctx context.Context, n, workers int, work func(lo, hi int)) error {
	chunks := (n + chunkRows - 1) / chunkRows
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, chunks)
	var (
		next      atomic.Int64
		wg        sync.WaitGroup
		panicOnce sync.Once
		panicked  atomic.Bool
		reason    any
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					panicOnce.Do(func() { reason = r })
					panicked.Store(true)
				}
			}()
			for ctx.Err() == nil && !panicked.Load() {
				c := int(next.Add(1)) - 1
				if c >= chunks {
					return
				}
				work(c*chunkRows, min((c+1)*chunkRows, n))
			}
		}()
	}
	wg.Wait()
	if panicked.Load() {
		panic(reason)
	}
	return ctx.Err()
}

// rows returns rows [lo, hi) of m, sharing memory with it.
func rows(m *Matrix, lo, hi int) *Matrix {
	return &Matrix{Rows: hi - lo, Cols: m.Cols, Data: m.Data[lo*m.Cols : hi*m.Cols]}
}
