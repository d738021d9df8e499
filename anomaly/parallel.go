package anomaly

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// workerCount resolves a Workers field: 0 or less means GOMAXPROCS, and never
// more workers than tasks.
func workerCount(workers, tasks int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, min(workers, tasks))
}

// parallelFor runs task(worker, i) for i in [0, n) on the given number of
// goroutines, handing out indices in order. Results must be written by index
// so that they do not depend on the worker count. It stops handing out work
// once ctx is done and returns ctx's error.
func parallelFor(ctx context.Context, workers, n int, task func(worker, i int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				task(w, i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
