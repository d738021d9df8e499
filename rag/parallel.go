package rag

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor runs fn(i) for i in [0, n) on up to GOMAXPROCS goroutines,
// handing out indices in small blocks. It stops early, returning ctx's error,
// when ctx is cancelled. Results must be written by index so that the outcome
// does not depend on scheduling.
func parallelFor(ctx context.Context, n int, fn func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	const block = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := int(next.Add(block)) - block
				if start >= n {
					return
				}
				for i := start; i < min(start+block, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// checkNewIDs rejects empty IDs, IDs repeated within ids, and IDs already in
// existing, naming the first offender.
func checkNewIDs[V any](ids []string, existing map[string]V) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case id == "":
			return fmt.Errorf("%w: empty id", ErrFormat)
		case seen[id]:
			return fmt.Errorf("%w: %q given twice", ErrDuplicateID, id)
		case hasKey(existing, id):
			return fmt.Errorf("%w: %q", ErrDuplicateID, id)
		}
		seen[id] = true
	}
	return nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
