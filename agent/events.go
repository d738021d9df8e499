package agent

import (
	"context"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// NodeStart: a node's task began (Node, Task, Step).
	NodeStart EventKind = iota
	// NodeRetry: an attempt failed and the node will run again after a
	// backoff (Attempt is the failed attempt, Err its error).
	NodeRetry
	// NodeEnd: a node's task finished; Err is set when it failed for good.
	// A successful task's writes are checkpointed before this event, so a
	// crash after it never runs the task again.
	NodeEnd
	// StepEnd: a super-step's writes were merged (State) and checkpointed
	// (Checkpoint, empty without a checkpointer); Next lists the nodes of the
	// following super-step.
	StepEnd
	// Custom: a node called Emit (Payload).
	Custom
	// Token: a streaming chat model produced text (Token).
	Token
)

var eventKindNames = [...]string{"node-start", "node-retry", "node-end", "step-end", "custom", "token"}

func (k EventKind) String() string {
	if k < 0 || int(k) >= len(eventKindNames) {
		return "unknown"
	}
	return eventKindNames[k]
}

// An Event is one item of Runnable.Stream. Which fields are set depends on
// Kind (see the constants).
type Event[S any] struct {
	Kind EventKind
	// Step is the super-step: -1 for the input, then 0, 1, …
	Step int
	// Node and Task (its index within the super-step) name the task.
	Node    string
	Task    int
	Attempt int
	Err     error
	Elapsed time.Duration

	State      S
	Checkpoint string
	Next       []string

	Payload any
	Token   string
}

// emitter carries custom events and tokens from inside a node to the run
// that streams them.
type emitter struct {
	send func(n note)
}

// note is the part of an Event a task fills in; the run adds the rest.
type note struct {
	kind    EventKind
	payload any
	token   string
	attempt int
	err     error
}

type emitterKey struct{}

// Emit sends payload as a Custom event to the Stream that is running the
// node whose context is ctx (progress reports, partial results). Outside a
// graph run it does nothing.
func Emit(ctx context.Context, payload any) {
	if e, ok := ctx.Value(emitterKey{}).(*emitter); ok {
		e.send(note{kind: Custom, payload: payload})
	}
}

// EmitToken sends text as a Token event, as the OpenAI client does for each
// streamed delta. Outside a graph run it does nothing.
func EmitToken(ctx context.Context, text string) {
	if e, ok := ctx.Value(emitterKey{}).(*emitter); ok {
		e.send(note{kind: Token, token: text})
	}
}
