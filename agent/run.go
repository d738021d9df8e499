package agent

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
)

// Config selects the thread a run is checkpointed in and, for Resume and
// State, the checkpoint to continue from or read.
type Config struct {
	// Thread names the conversation or job; required with a Checkpointer,
	// not allowed without one.
	Thread string
	// Checkpoint is a checkpoint ID of Thread (from History); "" means the
	// newest. Resuming from an older checkpoint forks the thread: the new
	// checkpoints branch off it and the old branch stays as it was
	// (LangGraph's time travel).
	Checkpoint string
}

// Invoke runs the graph from input until every branch reaches End and
// returns the final state. With a Checkpointer, every super-step is saved in
// cfg.Thread; Invoke always starts from input, also on a thread with an
// unfinished run (whose checkpoints stay in History): Resume continues one.
// At an interrupt it returns the state so far and an *Interrupt error.
func (r *Runnable[S]) Invoke(ctx context.Context, cfg Config, input S) (S, error) {
	x, err := r.begin(ctx, cfg, nil)
	if err != nil {
		return input, err
	}
	return x.fromInput(input)
}

// Stream is Invoke as an iterator of events: node started, retried and
// finished, state after each super-step, custom events and LLM tokens. A
// failure is the last pair, with a zero Event. Breaking out of the loop
// cancels the run; the last saved checkpoint stays resumable.
func (r *Runnable[S]) Stream(ctx context.Context, cfg Config, input S) iter.Seq2[Event[S], error] {
	return func(yield func(Event[S], error) bool) {
		x, err := r.begin(ctx, cfg, yield)
		if err == nil {
			defer x.cancel()
			_, err = x.fromInput(input)
		}
		if err != nil && !errors.Is(err, errStopped) {
			yield(Event[S]{}, err)
		}
	}
}

// Resume continues cfg.Thread from its newest checkpoint, or from
// cfg.Checkpoint (forking the thread there), after a crash, a cancellation
// or an interrupt. The human update, if any, is merged through the
// reducers first and saved as its own checkpoint. Tasks of the interrupted
// super-step whose writes were saved are not run again.
func (r *Runnable[S]) Resume(ctx context.Context, cfg Config, human Update[S]) (S, error) {
	x, err := r.begin(ctx, cfg, nil)
	if err != nil {
		var zero S
		return zero, err
	}
	return x.fromCheckpoint(cfg.Checkpoint, human)
}

// ResumeStream is Resume as an iterator of events, as Stream.
func (r *Runnable[S]) ResumeStream(ctx context.Context, cfg Config, human Update[S]) iter.Seq2[Event[S], error] {
	return func(yield func(Event[S], error) bool) {
		x, err := r.begin(ctx, cfg, yield)
		if err == nil {
			defer x.cancel()
			_, err = x.fromCheckpoint(cfg.Checkpoint, human)
		}
		if err != nil && !errors.Is(err, errStopped) {
			yield(Event[S]{}, err)
		}
	}
}

// errStopped ends a run whose consumer broke out of the event loop.
var errStopped = errors.New("agent: stream consumer stopped")

// execution is one Invoke, Stream or Resume.
type execution[S any] struct {
	r       *Runnable[S]
	ctx     context.Context
	cancel  context.CancelFunc
	thread  string
	yield   func(Event[S], error) bool
	stopped bool
	// outer is the emitter of the node this run is nested in (a subgraph
	// invoked inside a node): custom events and tokens are passed up to it.
	outer *emitter
	// inline is the context of tasks run in this goroutine, made once: its
	// emitter reads the running task from inlineTask.
	inline     context.Context
	inlineTask int
	durableEnd Event[S] // NodeEnd of an inline task, emitted once checkpointed
	endPending bool

	state   S
	step    int
	cpID    string
	next    []task[S]
	pending map[int]Update[S]
}

// task is one node run of a super-step; input is a Send's own state.
type task[S any] struct {
	node  *node[S]
	input *S
	enc   []byte
}

func (r *Runnable[S]) begin(ctx context.Context, cfg Config, yield func(Event[S], error) bool) (*execution[S], error) {
	switch {
	case r.cp != nil && cfg.Thread == "":
		return nil, errors.New("agent: a graph with a Checkpointer needs Config.Thread")
	case r.cp == nil && cfg.Thread != "":
		return nil, errors.New("agent: Config.Thread given but the graph was compiled without a Checkpointer")
	}
	x := &execution[S]{r: r, thread: cfg.Thread, yield: yield}
	x.outer, _ = ctx.Value(emitterKey{}).(*emitter)
	x.ctx, x.cancel = context.WithCancel(ctx)
	return x, nil
}

func (x *execution[S]) fromInput(input S) (S, error) {
	defer x.cancel()
	x.state, x.step = input, -1
	if x.r.cp != nil {
		ids, err := x.r.cp.List(x.ctx, x.thread)
		if err != nil {
			return x.state, err
		}
		if len(ids) > 0 {
			x.cpID = ids[0]
		}
	}
	next, err := x.route([]task[S]{{node: x.r.start}})
	if err != nil {
		return x.state, err
	}
	x.next = next
	var stop *Interrupt
	if n := x.firstIn(x.r.before); n != "" {
		stop = &Interrupt{Node: n, When: "before"}
	}
	if err := x.checkpoint("input", stop); err != nil {
		return x.state, err
	}
	if stop != nil {
		stop.Checkpoint = x.cpID
		return x.state, stop
	}
	return x.loop()
}

func (x *execution[S]) fromCheckpoint(id string, human Update[S]) (S, error) {
	defer x.cancel()
	if x.r.cp == nil {
		return x.state, errors.New("agent: Resume needs a Checkpointer")
	}
	cp, writes, err := x.r.cp.Get(x.ctx, x.thread, id)
	if err != nil {
		return x.state, err
	}
	if err := x.restore(cp, writes); err != nil {
		return x.state, err
	}
	if len(human) > 0 {
		if err := x.r.checkWrites("", human); err != nil {
			return x.state, err
		}
		x.r.merge(&x.state, human)
		if err := x.saveAgain(cp, "update", writes); err != nil {
			return x.state, err
		}
	}
	if cp.InterruptWhen != "before" {
		if n := x.firstIn(x.r.before); n != "" {
			// Resuming from an after-interrupt (or a crash) reaches a
			// before-interrupt: record that the run stopped there.
			cp.InterruptWhen, cp.InterruptNode = "before", n
			if err := x.saveAgain(cp, "interrupt", writes); err != nil {
				return x.state, err
			}
			return x.state, &Interrupt{Node: n, When: "before", Checkpoint: x.cpID}
		}
	}
	return x.loop()
}

// saveAgain checkpoints the current state with cp's pending tasks and
// interrupt as a child of the current checkpoint, carrying the task writes
// over so that no finished task runs again.
func (x *execution[S]) saveAgain(cp Checkpoint, source string, writes []TaskWrites) error {
	state, err := x.r.codec.Marshal(x.state)
	if err != nil {
		return fmt.Errorf("agent: encoding the state: %w", err)
	}
	cp.Parent, cp.State, cp.Source = x.cpID, state, source
	id, err := x.r.cp.Put(x.ctx, cp, writes)
	if err != nil {
		return err
	}
	x.cpID = id
	return nil
}

// restore loads a checkpoint's state, pending tasks and their saved writes.
func (x *execution[S]) restore(cp Checkpoint, writes []TaskWrites) error {
	corrupt := func(err error) error {
		return fmt.Errorf("%w: thread %q checkpoint %s: %w", ErrCorruptCheckpoint, cp.Thread, cp.ID, err)
	}
	if err := x.r.codec.Unmarshal(cp.State, &x.state); err != nil {
		return corrupt(fmt.Errorf("state: %w", err))
	}
	x.step, x.cpID, x.next = cp.Step, cp.ID, make([]task[S], len(cp.Next))
	for i, t := range cp.Next {
		n := x.r.nodes[t.Node]
		if n == nil {
			return corrupt(fmt.Errorf("pending task of unknown node %q (was the graph changed?)", t.Node))
		}
		x.next[i] = task[S]{node: n, enc: t.Input}
		if t.Input != nil {
			in := new(S)
			if err := x.r.codec.Unmarshal(t.Input, in); err != nil {
				return corrupt(fmt.Errorf("input of task %d (%s): %w", i, t.Node, err))
			}
			x.next[i].input = in
		}
	}
	x.pending = map[int]Update[S]{}
	for _, w := range writes {
		if w.Task < 0 || w.Task >= len(x.next) || x.next[w.Task].node.name != w.Node {
			return corrupt(fmt.Errorf("writes of task %d (%s) match no pending task", w.Task, w.Node))
		}
		upd, err := x.r.decodeWrites(w.Writes)
		if err != nil {
			return corrupt(fmt.Errorf("writes of task %d (%s): %w", w.Task, w.Node, err))
		}
		x.pending[w.Task] = upd
	}
	return nil
}

// loop runs super-steps until no task is left, an interrupt, the recursion
// limit or an error. The callers have checked the interrupts before the
// first super-step.
func (x *execution[S]) loop() (S, error) {
	for steps := 0; len(x.next) > 0; steps++ {
		if steps >= x.r.limit {
			return x.state, fmt.Errorf("%w: %d super-steps without reaching End; next would run %v (raise CompileOptions.RecursionLimit or check the loop's exit route)",
				ErrRecursionLimit, x.r.limit, taskNames(x.next))
		}
		updates, err := x.runStep()
		if err != nil {
			return x.state, err
		}
		for _, u := range updates {
			x.r.merge(&x.state, u)
		}
		ran := x.next
		next, err := x.route(ran)
		if err != nil {
			return x.state, err
		}
		x.step++
		x.next, x.pending = next, nil
		var stop *Interrupt
		if n := firstTaskIn(ran, x.r.after); n != "" {
			stop = &Interrupt{Node: n, When: "after"}
		} else if n := x.firstIn(x.r.before); n != "" {
			stop = &Interrupt{Node: n, When: "before"}
		}
		if err := x.checkpoint("loop", stop); err != nil {
			return x.state, err
		}
		if stop != nil {
			stop.Checkpoint = x.cpID
			return x.state, stop
		}
	}
	return x.state, nil
}

// checkpoint saves the current state and pending tasks and emits StepEnd.
func (x *execution[S]) checkpoint(source string, stop *Interrupt) error {
	if x.r.cp != nil {
		state, err := x.r.codec.Marshal(x.state)
		if err != nil {
			return fmt.Errorf("agent: encoding the state after step %d: %w", x.step, err)
		}
		cp := Checkpoint{Thread: x.thread, Parent: x.cpID, Step: x.step, State: state, Source: source, Next: make([]Task, len(x.next))}
		for i, t := range x.next {
			cp.Next[i] = Task{Node: t.node.name, Input: t.enc}
		}
		if stop != nil {
			cp.InterruptWhen, cp.InterruptNode = stop.When, stop.Node
		}
		// Finished work is saved even if the run is being cancelled.
		id, err := x.r.cp.Put(context.WithoutCancel(x.ctx), cp, nil)
		if err != nil {
			return fmt.Errorf("agent: saving the checkpoint of step %d: %w", x.step, err)
		}
		x.cpID = id
	}
	if x.endPending {
		x.endPending = false
		if err := x.emit(x.durableEnd); err != nil {
			return err
		}
	}
	if x.yield != nil {
		return x.emit(Event[S]{Kind: StepEnd, Step: x.step, State: x.state, Checkpoint: x.cpID, Next: taskNames(x.next)})
	}
	return nil
}

// emit hands ev to the consumer; errStopped once it has broken out.
func (x *execution[S]) emit(ev Event[S]) error {
	if x.yield == nil {
		if x.outer != nil && (ev.Kind == Custom || ev.Kind == Token) {
			x.outer.send(note{kind: ev.Kind, payload: ev.Payload, token: ev.Token})
		}
		return nil
	}
	if x.stopped {
		return errStopped
	}
	if !x.yield(ev, nil) {
		x.stopped = true
		x.cancel()
		return errStopped
	}
	return nil
}

// route computes the tasks that follow ran, in a deterministic order: for
// each task in order, its static edges then its conditional edges as
// declared. A node triggered several times runs once; Sends never merge.
func (x *execution[S]) route(ran []task[S]) ([]task[S], error) {
	var next []task[S]
	var seen map[*node[S]]bool // only for wide fan-outs; a scan is cheaper below
	add := func(name string) {
		if name == End {
			return
		}
		n := x.r.nodes[name]
		if seen != nil {
			if seen[n] {
				return
			}
			seen[n] = true
		} else {
			for _, t := range next {
				if t.node == n && t.input == nil {
					return
				}
			}
			if len(next) == 16 {
				seen = map[*node[S]]bool{}
				for _, t := range next {
					if t.input == nil {
						seen[t.node] = true
					}
				}
				seen[n] = true
			}
		}
		next = append(next, task[S]{node: n})
	}
	for _, t := range ran {
		for _, to := range t.node.next {
			add(to)
		}
		for _, b := range t.node.branches {
			if b.route != nil {
				to, err := callRouter(b, x.state)
				if err != nil {
					return nil, err
				}
				add(to)
				continue
			}
			sends, err := callSend(b, x.state)
			if err != nil {
				return nil, err
			}
			for _, s := range sends {
				if s.To == End {
					continue
				}
				in := s.State
				t := task[S]{node: x.r.nodes[s.To], input: &in}
				if x.r.cp != nil {
					enc, err := x.r.codec.Marshal(in)
					if err != nil {
						return nil, fmt.Errorf("agent: encoding the Send to %q from %q: %w", s.To, b.from, err)
					}
					t.enc = enc
				}
				next = append(next, t)
			}
		}
	}
	return next, nil
}

func callRouter[S any](b *branch[S], s S) (to string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w in the router of the conditional edge from %q: %v", ErrNodePanic, b.from, p)
		}
	}()
	to = b.route(s)
	if !slices.Contains(b.targets, to) {
		return "", fmt.Errorf("%w: the router of the conditional edge from %q returned %q, not one of its targets %q", ErrUnknownNode, b.from, to, b.targets)
	}
	return to, nil
}

func callSend[S any](b *branch[S], s S) (sends []Send[S], err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w in the send function of the edge from %q: %v", ErrNodePanic, b.from, p)
		}
	}()
	sends = b.send(s)
	for _, snd := range sends {
		if !slices.Contains(b.targets, snd.To) {
			return nil, fmt.Errorf("%w: the send edge from %q sent to %q, not one of its targets %q", ErrUnknownNode, b.from, snd.To, b.targets)
		}
	}
	return sends, nil
}

// firstIn returns the first pending node in set, or "".
func (x *execution[S]) firstIn(set map[string]bool) string { return firstTaskIn(x.next, set) }

func firstTaskIn[S any](tasks []task[S], set map[string]bool) string {
	if len(set) == 0 {
		return ""
	}
	for _, t := range tasks {
		if set[t.node.name] {
			return t.node.name
		}
	}
	return ""
}

func taskNames[S any](tasks []task[S]) []string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.node.name
	}
	return names
}

// merge applies the writes of u to s through the fields' reducers.
func (r *Runnable[S]) merge(s *S, u Update[S]) {
	for _, w := range u {
		w.field.apply(s, w.value)
	}
}

// checkWrites rejects writes to fields not declared in NewGraph; node names
// the writer ("" for a human update).
func (r *Runnable[S]) checkWrites(node string, u Update[S]) error {
	who := "the human update"
	if node != "" {
		who = fmt.Sprintf("node %q", node)
	}
	for _, w := range u {
		switch {
		case w.field == nil:
			return fmt.Errorf("agent: %s returned a zero Write (use Field.Set)", who)
		case r.fields[w.field.Name()] != w.field:
			return fmt.Errorf("agent: %s wrote field %q, which was not passed to NewGraph", who, w.field.Name())
		}
	}
	return nil
}

func (r *Runnable[S]) encodeWrites(u Update[S]) ([]EncodedWrite, error) {
	out := make([]EncodedWrite, len(u))
	for i, w := range u {
		v, err := w.field.encode(r.codec, w.value)
		if err != nil {
			return nil, fmt.Errorf("encoding field %q: %w", w.field.Name(), err)
		}
		out[i] = EncodedWrite{Field: w.field.Name(), Value: v}
	}
	return out, nil
}

func (r *Runnable[S]) decodeWrites(ws []EncodedWrite) (Update[S], error) {
	u := make(Update[S], len(ws))
	for i, w := range ws {
		f := r.fields[w.Field]
		if f == nil {
			return nil, fmt.Errorf("unknown field %q", w.Field)
		}
		v, err := f.decode(r.codec, w.Value)
		if err != nil {
			return nil, err
		}
		u[i] = Write[S]{field: f, value: v}
	}
	return u, nil
}
