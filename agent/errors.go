package agent

import (
	"errors"
	"fmt"
)

// Sentinel errors, for errors.Is.
var (
	// ErrInvalidGraph wraps every problem Compile finds.
	ErrInvalidGraph = errors.New("agent: invalid graph")
	// ErrRecursionLimit: a run took more super-steps than
	// CompileOptions.RecursionLimit without finishing.
	ErrRecursionLimit = errors.New("agent: recursion limit reached")
	// ErrInterrupted: a run stopped at an interrupt; see *Interrupt.
	ErrInterrupted = errors.New("agent: interrupted")
	// ErrUnknownNode: a router or a Send named a node that is not among the
	// targets declared for its edge.
	ErrUnknownNode = errors.New("agent: unknown node")
	// ErrNoCheckpoint: a thread or checkpoint that does not exist.
	ErrNoCheckpoint = errors.New("agent: no checkpoint")
	// ErrCorruptCheckpoint: a stored checkpoint or pending write that fails
	// its checksum or does not decode. Older checkpoints are unaffected.
	ErrCorruptCheckpoint = errors.New("agent: corrupt checkpoint")
	// ErrNodeTimeout: a node ran longer than its Timeout.
	ErrNodeTimeout = errors.New("agent: node timed out")
	// ErrNodePanic: a node, router or tool panicked; the panic value and stack
	// are in the error text.
	ErrNodePanic = errors.New("agent: panic")
)

// A NodeError is the error of a node that failed after its last attempt.
type NodeError struct {
	Node     string
	Step     int
	Attempts int
	Err      error
}

func (e *NodeError) Error() string {
	return fmt.Sprintf("agent: node %q failed at step %d after %d attempt(s): %v", e.Node, e.Step, e.Attempts, e.Err)
}

func (e *NodeError) Unwrap() error { return e.Err }

// An Interrupt is the error a run returns when it stops at an interrupt
// declared in CompileOptions. The state is checkpointed; Resume continues.
// errors.Is(err, ErrInterrupted) reports true for it.
type Interrupt struct {
	// Node is the node the run stopped at; When is "before" or "after".
	Node, When string
	// Checkpoint is the ID of the checkpoint to resume from.
	Checkpoint string
}

func (e *Interrupt) Error() string {
	return fmt.Sprintf("agent: interrupted %s node %q (checkpoint %s)", e.When, e.Node, e.Checkpoint)
}

func (e *Interrupt) Is(target error) bool { return target == ErrInterrupted }
