package cloud

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// errUnloaded tells a handler that the version it picked was unloaded
// between lookup and submission, so it should look the model up again.
var errUnloaded = errors.New("cloud: model version unloaded")

// errPredictor marks a failure of the Predictor itself (500).
var errPredictor = errors.New("cloud: predictor failed")

// Job states: a handler that gives up and a worker that starts the job race
// on one compare-and-swap, so a job is either run or abandoned, never both.
const (
	jobQueued int32 = iota
	jobRunning
	jobAbandoned
)

// job is one admitted request waiting in a model's queue.
type job struct {
	inputs   []Tensor // in the model's input order, first dimension = rows
	rows     int
	ctx      context.Context
	deadline time.Time
	enqueued time.Time
	state    atomic.Int32
	done     chan jobResult // buffered: the worker never blocks on it
}

type jobResult struct {
	outputs []Tensor
	err     error
}

// batcher is one loaded model version: its admission queue and the workers
// that group queued requests into batches (Triton's dynamic batcher).
type batcher struct {
	cfg     ModelConfig
	pred    Predictor
	metrics modelMetrics

	mu         sync.Mutex
	queue      []*job
	queuedRows atomic.Int64 // read without mu by the fast 429 path
	inFlight   atomic.Int64 // requests between admit and release
	oldest     atomic.Int64 // enqueue time (UnixNano) of queue[0], 0 when empty
	closed     bool
	wake       chan struct{}
	stop       chan struct{} // closed by close()
	workers    sync.WaitGroup

	// nsPerRow is an exponentially weighted mean of predict time per row,
	// used for Retry-After.
	nsPerRow atomic.Int64
}

func newBatcher(cfg ModelConfig, pred Predictor, m modelMetrics) *batcher {
	b := &batcher{cfg: cfg, pred: pred, metrics: m, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	b.workers.Add(cfg.Instances)
	for range cfg.Instances {
		go b.work()
	}
	return b
}

// full reports whether a request of rows rows would be refused now: the
// queue has no room for it, or its oldest request has waited too long.
func (b *batcher) full(rows int) bool {
	q := int(b.queuedRows.Load())
	if q > 0 && q+rows > b.cfg.QueueCapacity {
		return true
	}
	oldest := b.oldest.Load()
	return b.cfg.MaxQueueWait > 0 && oldest != 0 && time.Now().UnixNano()-oldest > int64(b.cfg.MaxQueueWait)
}

// admit counts a request in flight, or refuses it (false) when
// MaxInFlight requests already are; an admitted request must be released.
func (b *batcher) admit() bool {
	n := b.inFlight.Add(1)
	if b.cfg.MaxInFlight > 0 && n > int64(b.cfg.MaxInFlight) {
		b.inFlight.Add(-1)
		return false
	}
	return true
}

func (b *batcher) release() { b.inFlight.Add(-1) }

// noteOldest records the enqueue time of the queue's head; b.mu is held.
func (b *batcher) noteOldest() {
	if len(b.queue) == 0 {
		b.oldest.Store(0)
		return
	}
	b.oldest.Store(b.queue[0].enqueued.UnixNano())
}

// submit admits j or refuses it with ErrQueueFull or errUnloaded. A queue
// that is empty admits any request, so a request larger than the capacity
// still runs when nothing else waits.
func (b *batcher) submit(j *job) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errUnloaded
	}
	if b.full(j.rows) {
		return ErrQueueFull
	}
	wasEmpty := len(b.queue) == 0
	b.queue = append(b.queue, j)
	if wasEmpty {
		b.noteOldest()
	}
	q := b.queuedRows.Add(int64(j.rows))
	b.metrics.queueDepth.Set(float64(q))
	if wasEmpty || b.cfg.MaxQueueDelay == 0 || b.cfg.MaxBatchSize == 0 || int(q) >= b.cfg.MaxBatchSize {
		b.signal()
	}
	return nil
}

func (b *batcher) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// retryAfter estimates the seconds until the queue has drained (at least 1).
func (b *batcher) retryAfter() int {
	ns := float64(b.queuedRows.Load()) * float64(b.nsPerRow.Load()) / float64(b.cfg.Instances)
	return max(1, int(math.Ceil(ns/1e9)))
}

// close stops admission and waits until the workers have run everything
// already queued, or ctx ends.
func (b *batcher) close(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.stop)
	}
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.workers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("cloud: model %s version %s: queue not drained: %w", b.cfg.Name, b.cfg.Version, ctx.Err())
	}
}

func (b *batcher) work() {
	defer b.workers.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch, wait, ok := b.next(time.Now())
		switch {
		case !ok:
			return
		case batch != nil:
			b.run(batch)
		case wait > 0:
			timer.Reset(wait)
			select {
			case <-b.wake:
			case <-timer.C:
			case <-b.stop:
			}
			timer.Stop()
		default:
			select {
			case <-b.wake:
			case <-b.stop:
			}
		}
	}
}

// next takes a batch off the queue, or says how long to wait for one (0:
// until woken). ok is false once the batcher is closed and empty.
func (b *batcher) next(now time.Time) (batch []*job, wait time.Duration, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire(now)
	if len(b.queue) == 0 {
		return nil, 0, !b.closed
	}
	maxRows := b.cfg.MaxBatchSize
	if maxRows > 0 && b.cfg.MaxQueueDelay > 0 && !b.closed && int(b.queuedRows.Load()) < maxRows {
		if w := b.queue[0].enqueued.Add(b.cfg.MaxQueueDelay).Sub(now); w > 0 {
			return nil, w, true
		}
	}
	rows := 0
	rest := b.queue[:0]
	stopped := false
	for _, j := range b.queue {
		fits := !stopped && (len(batch) == 0 ||
			(maxRows > 0 && rows+j.rows <= maxRows && sameTrailingShapes(batch[0], j)))
		if !fits {
			// Keep the queue's order: once one request waits, those behind it wait too.
			stopped = true
			rest = append(rest, j)
			continue
		}
		b.queuedRows.Add(-int64(j.rows))
		if !j.state.CompareAndSwap(jobQueued, jobRunning) {
			continue
		}
		batch = append(batch, j)
		rows += j.rows
	}
	clear(b.queue[len(rest):])
	b.queue = rest
	b.noteOldest()
	b.metrics.queueDepth.Set(float64(b.queuedRows.Load()))
	if len(b.queue) > 0 {
		b.signal()
	}
	return batch, 0, true
}

// expire answers and removes queued jobs whose deadline has passed or whose
// client has gone, and drops jobs their handler abandoned: their work is
// never started.
func (b *batcher) expire(now time.Time) {
	kept := b.queue[:0]
	for _, j := range b.queue {
		switch {
		case j.state.Load() == jobAbandoned:
		case now.After(j.deadline) || j.ctx.Err() != nil:
			if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
				j.done <- jobResult{err: ErrDeadline}
			}
		default:
			kept = append(kept, j)
			continue
		}
		b.queuedRows.Add(-int64(j.rows))
	}
	clear(b.queue[len(kept):])
	b.queue = kept
	b.noteOldest()
}

func sameTrailingShapes(a, b *job) bool {
	for i := range a.inputs {
		if !slices.Equal(a.inputs[i].Shape[1:], b.inputs[i].Shape[1:]) {
			return false
		}
	}
	return true
}

// run predicts one batch and answers each of its jobs with its rows.
func (b *batcher) run(batch []*job) {
	rows := 0
	for _, j := range batch {
		rows += j.rows
	}
	inputs := make([]Tensor, len(b.cfg.Inputs))
	parts := make([]Tensor, len(batch))
	for i := range inputs {
		for k, j := range batch {
			parts[k] = j.inputs[i]
		}
		inputs[i] = concatRows(parts)
	}
	start := time.Now()
	outputs, err := b.predict(inputs, rows)
	elapsed := time.Since(start)
	b.metrics.batchSize.Observe(float64(rows))
	b.updateRowTime(elapsed, rows)
	lo := 0
	for _, j := range batch {
		res := jobResult{err: err}
		if err == nil {
			res.outputs = make([]Tensor, len(outputs))
			for i, o := range outputs {
				res.outputs[i] = o.rowSlice(lo, lo+j.rows)
			}
		}
		lo += j.rows
		j.done <- res
	}
}

// predict calls the Predictor, turning a panic or malformed outputs into
// errPredictor so that one bad batch cannot take the server down.
func (b *batcher) predict(inputs []Tensor, rows int) (outputs []Tensor, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: panic: %v\n%s", errPredictor, p, debug.Stack())
		}
	}()
	outputs, err = b.pred.Predict(context.Background(), inputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errPredictor, err)
	}
	for _, o := range outputs {
		if err := o.check(); err != nil {
			return nil, fmt.Errorf("%w: %w", errPredictor, err)
		}
		if len(o.Shape) == 0 || o.Shape[0] != rows {
			return nil, fmt.Errorf("%w: output %q has shape %v for a batch of %d rows", errPredictor, o.Name, o.Shape, rows)
		}
	}
	return outputs, nil
}

func (b *batcher) updateRowTime(elapsed time.Duration, rows int) {
	per := int64(elapsed) / int64(max(rows, 1))
	old := b.nsPerRow.Load()
	if old == 0 {
		b.nsPerRow.Store(per)
		return
	}
	b.nsPerRow.Store(old + (per-old)/8)
}
