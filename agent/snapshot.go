package agent

import (
	"context"
	"errors"
	"time"
)

// A Snapshot is a checkpoint decoded: the state of a thread between two
// super-steps, as State and History return it.
type Snapshot[S any] struct {
	ID, Parent string
	Step       int
	State      S
	// Next lists the nodes of the pending super-step; empty when the run
	// finished there. Done[i] reports that task Next[i] finished before the
	// run stopped: its writes are saved and Resume will not run it again.
	Next []string
	Done []bool
	// InterruptWhen and InterruptNode: the interrupt the run stopped at.
	InterruptWhen, InterruptNode string
	Source                       string
	Created                      time.Time
	// Err is set, and the other fields may be partial, when the stored
	// checkpoint is damaged (ErrCorruptCheckpoint).
	Err error
}

// State returns the snapshot of cfg.Thread's newest checkpoint, or of
// cfg.Checkpoint.
func (r *Runnable[S]) State(ctx context.Context, cfg Config) (Snapshot[S], error) {
	if r.cp == nil {
		return Snapshot[S]{}, errors.New("agent: State needs a Checkpointer")
	}
	cp, writes, err := r.cp.Get(ctx, cfg.Thread, cfg.Checkpoint)
	if err != nil {
		return Snapshot[S]{ID: cfg.Checkpoint, Err: err}, err
	}
	x := &execution[S]{r: r}
	snap := Snapshot[S]{
		ID: cp.ID, Parent: cp.Parent, Step: cp.Step, InterruptWhen: cp.InterruptWhen,
		InterruptNode: cp.InterruptNode, Source: cp.Source, Created: cp.Created,
	}
	for _, t := range cp.Next {
		snap.Next = append(snap.Next, t.Node)
	}
	if err := x.restore(cp, writes); err != nil {
		snap.Err = err
		return snap, err
	}
	snap.State = x.state
	snap.Done = make([]bool, len(snap.Next))
	for i := range x.pending {
		snap.Done[i] = true
	}
	return snap, nil
}

// History returns the snapshots of thread, newest first, forks included
// (follow Parent to walk one branch). A damaged checkpoint appears with Err
// set instead of failing the whole listing.
func (r *Runnable[S]) History(ctx context.Context, thread string) ([]Snapshot[S], error) {
	if r.cp == nil {
		return nil, errors.New("agent: History needs a Checkpointer")
	}
	ids, err := r.cp.List(ctx, thread)
	if err != nil {
		return nil, err
	}
	out := make([]Snapshot[S], 0, len(ids))
	for _, id := range ids {
		snap, err := r.State(ctx, Config{Thread: thread, Checkpoint: id})
		if err != nil && !errors.Is(err, ErrCorruptCheckpoint) {
			return out, err
		}
		out = append(out, snap)
	}
	return out, nil
}
