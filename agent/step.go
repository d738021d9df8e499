package agent

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// taskResult is what a task's goroutine reports to the super-step loop.
type taskResult[S any] struct {
	index    int
	update   Update[S]
	attempts int
	elapsed  time.Duration
	err      error
}

// errSiblingFailed cancels the other tasks of a super-step that has failed.
var errSiblingFailed = errors.New("agent: another task of the super-step failed")

// runStep runs the pending tasks of one super-step and returns their
// updates in task order. Tasks whose writes were saved before a crash are
// not run. With several tasks, each finished task's writes are checkpointed
// as soon as it ends; on failure nothing is merged and the first error is
// returned as a *NodeError.
func (x *execution[S]) runStep() ([]Update[S], error) {
	updates := make([]Update[S], len(x.next))
	var todo []int
	for i := range x.next {
		if u, ok := x.pending[i]; ok {
			updates[i] = u
		} else {
			todo = append(todo, i)
		}
	}
	// A node with a Timeout may be abandoned while still running: it must
	// not be able to call the consumer's yield, so it never runs inline.
	if len(todo) == 1 && x.next[todo[0]].node.timeout <= 0 {
		return updates, x.runInline(todo[0], updates)
	}
	return updates, x.runParallel(todo, updates)
}

// runInline runs a lone task in the caller's goroutine: no channels, no
// goroutine, which keeps linear graphs cheap. Its writes are saved with the
// super-step's checkpoint, so they need no separate record, and its NodeEnd
// is emitted after that checkpoint.
func (x *execution[S]) runInline(i int, updates []Update[S]) error {
	t := x.next[i]
	if x.inline == nil {
		em := &emitter{send: func(n note) {
			x.emit(noteEvent[S](n, x.step+1, x.next[x.inlineTask].node.name, x.inlineTask))
		}}
		x.inline = context.WithValue(x.ctx, emitterKey{}, em)
	}
	x.inlineTask = i
	if err := x.emit(Event[S]{Kind: NodeStart, Step: x.step + 1, Node: t.node.name, Task: i}); err != nil {
		return err
	}
	res := x.runTask(x.inline, i)
	if x.stopped {
		return errStopped
	}
	end := Event[S]{Kind: NodeEnd, Step: x.step + 1, Node: t.node.name, Task: i, Attempt: res.attempts, Elapsed: res.elapsed, Err: res.err}
	if res.err != nil {
		x.emit(end)
		return res.err
	}
	// The writes become durable with the super-step's checkpoint: NodeEnd
	// waits for it, so that a crash after NodeEnd never repeats the task.
	x.durableEnd, x.endPending = end, true
	updates[i] = res.update
	return nil
}

// runParallel runs tasks on up to MaxConcurrency worker goroutines. The
// tasks' events reach the consumer from this goroutine only, and each task's
// events come before its NodeEnd.
func (x *execution[S]) runParallel(todo []int, updates []Update[S]) error {
	ctx, cancel := context.WithCancelCause(x.ctx)
	defer cancel(nil)
	// Tasks send small notes; the Event is built here, in the consumer's
	// goroutine.
	type taskNote struct {
		task int
		note note
	}
	events := make(chan taskNote, min(64, 2*len(todo)))
	emitNote := func(tn taskNote) { x.emit(noteEvent[S](tn.note, x.step+1, x.next[tn.task].node.name, tn.task)) }
	done := make(chan taskResult[S], len(todo))
	queue := make(chan int, len(todo))
	for _, i := range todo {
		queue <- i
	}
	close(queue)
	for range min(x.r.workers, len(todo)) {
		go func() {
			for i := range queue {
				if ctx.Err() != nil {
					done <- taskResult[S]{index: i, err: context.Cause(ctx)}
					continue
				}
				em := &emitter{send: func(n note) {
					select {
					case events <- taskNote{i, n}:
					case <-ctx.Done():
					}
				}}
				em.send(note{kind: NodeStart})
				done <- x.runTask(context.WithValue(ctx, emitterKey{}, em), i)
			}
		}()
	}
	drain := func() {
		for {
			select {
			case tn := <-events:
				emitNote(tn)
			default:
				return
			}
		}
	}
	var failure error
	fail := func(err error) {
		if failure == nil {
			failure = err
			cancel(errSiblingFailed)
		}
	}
	for remaining := len(todo); remaining > 0; {
		select {
		case tn := <-events:
			emitNote(tn)
		case res := <-done:
			remaining--
			drain()
			name := x.next[res.index].node.name
			if res.err == nil && x.r.cp != nil {
				res.err = x.saveWrites(res.index, name, res.update)
			}
			if res.err != nil {
				if !errors.Is(res.err, errSiblingFailed) {
					fail(res.err)
				}
			} else {
				updates[res.index] = res.update
			}
			if res.attempts > 0 {
				x.emit(Event[S]{Kind: NodeEnd, Step: x.step + 1, Node: name, Task: res.index, Attempt: res.attempts, Elapsed: res.elapsed, Err: res.err})
			}
		}
	}
	switch {
	case x.stopped:
		return errStopped
	case failure != nil:
		return failure
	}
	return nil
}

// saveWrites records a finished task's writes against the current
// checkpoint so that a crash later in the super-step does not repeat it.
func (x *execution[S]) saveWrites(i int, name string, u Update[S]) error {
	enc, err := x.r.encodeWrites(u)
	if err == nil {
		// A finished task is saved even if the run is being cancelled.
		err = x.r.cp.PutWrites(context.WithoutCancel(x.ctx), x.thread, x.cpID, TaskWrites{Task: i, Node: name, Writes: enc})
	}
	if err != nil {
		return &NodeError{Node: name, Step: x.step + 1, Attempts: 1, Err: fmt.Errorf("saving its writes: %w", err)}
	}
	return nil
}

// runTask runs task i with its retry policy; a final failure is a *NodeError.
func (x *execution[S]) runTask(ctx context.Context, i int) taskResult[S] {
	t := x.next[i]
	in := x.state
	if t.input != nil {
		in = *t.input
	}
	start := time.Now()
	policy := t.node.retry
	for attempt := 1; ; attempt++ {
		upd, err := callNode(ctx, t.node, in)
		if err == nil {
			err = x.r.checkWrites(t.node.name, upd)
		}
		if err == nil {
			return taskResult[S]{index: i, update: upd, attempts: attempt, elapsed: time.Since(start)}
		}
		if attempt >= policy.attempts() || !policy.retryable(ctx, err) {
			if errors.Is(context.Cause(ctx), errSiblingFailed) {
				err = errSiblingFailed
			} else {
				err = &NodeError{Node: t.node.name, Step: x.step + 1, Attempts: attempt, Err: err}
			}
			return taskResult[S]{index: i, attempts: attempt, elapsed: time.Since(start), err: err}
		}
		ctx.Value(emitterKey{}).(*emitter).send(note{kind: NodeRetry, attempt: attempt, err: err})
		if serr := sleep(ctx, policy.backoff(attempt)); serr != nil {
			return taskResult[S]{index: i, attempts: attempt, elapsed: time.Since(start), err: &NodeError{Node: t.node.name, Step: x.step + 1, Attempts: attempt, Err: err}}
		}
	}
}

// callNode runs one attempt: panics become errors naming the node, and
// with a Timeout a node that ignores its context is abandoned.
func callNode[S any](ctx context.Context, n *node[S], in S) (Update[S], error) {
	if n.timeout <= 0 {
		return safeCall(ctx, n, in)
	}
	tctx, cancel := context.WithTimeoutCause(ctx, n.timeout, fmt.Errorf("%w: %q after %v", ErrNodeTimeout, n.name, n.timeout))
	defer cancel()
	type result struct {
		u   Update[S]
		err error
	}
	ch := make(chan result, 1)
	go func() {
		u, err := safeCall(tctx, n, in)
		ch <- result{u, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil && errors.Is(context.Cause(tctx), ErrNodeTimeout) && errors.Is(r.err, context.DeadlineExceeded) {
			r.err = context.Cause(tctx)
		}
		return r.u, r.err
	case <-tctx.Done():
		return nil, context.Cause(tctx)
	}
}

func safeCall[S any](ctx context.Context, n *node[S], in S) (u Update[S], err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w in node %q: %v\n%s", ErrNodePanic, n.name, p, debug.Stack())
		}
	}()
	return n.fn(ctx, in)
}

func noteEvent[S any](n note, step int, node string, task int) Event[S] {
	return Event[S]{Kind: n.kind, Step: step, Node: node, Task: task, Attempt: n.attempt, Err: n.err, Payload: n.payload, Token: n.token}
}
