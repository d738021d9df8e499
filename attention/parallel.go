package attention

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(worker, i) for every i in [0, n) on at most
// GOMAXPROCS goroutines. worker is in [0, workers) and lets fn use
// per-worker scratch memory. Each i runs exactly once and the jobs write to
// disjoint memory, so results do not depend on the number of workers or the
// schedule.
func parallelFor(n int, fn func(worker, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}

// workerCount is the number of distinct worker values parallelFor passes.
func workerCount(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }
