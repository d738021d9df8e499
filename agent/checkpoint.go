package agent

import (
	"context"
	"encoding/json"
	"time"
)

// A Checkpoint is the state of a thread between two super-steps: enough to
// continue the run exactly there. The engine writes one after the input and
// after every super-step; Checkpointer implementations store them as given.
type Checkpoint struct {
	Thread string
	// ID is assigned by Checkpointer.Put; Parent is the checkpoint this one
	// continues ("" for a thread's first). Forks share a parent.
	ID, Parent string
	// Step is -1 for the input checkpoint, then the super-step just merged.
	Step int
	// State is the encoded state (Codec).
	State []byte
	// Next are the tasks of the following super-step; none when the run
	// has finished.
	Next []Task
	// InterruptWhen ("before", "after" or "") and InterruptNode record the
	// interrupt the run stopped at here.
	InterruptWhen, InterruptNode string
	// Source says what wrote the checkpoint: "input", "loop" (a super-step),
	// "update" (Resume's human input) or "interrupt".
	Source string
	// Created is set by Put.
	Created time.Time
}

// A Task is one pending node run. Input holds the encoded state of a Send;
// nil means the task reads the graph state.
type Task struct {
	Node  string `json:"node"`
	Input []byte `json:"input,omitempty"`
}

// TaskWrites are the encoded writes of one finished task of the super-step
// that follows a checkpoint (LangGraph's pending writes): after a crash in
// the middle of a super-step, the tasks that have them are not run again.
type TaskWrites struct {
	Task   int            `json:"task"`
	Node   string         `json:"node"`
	Writes []EncodedWrite `json:"writes"`
}

// An EncodedWrite is a Write with its value encoded by the Codec.
type EncodedWrite struct {
	Field string `json:"field"`
	Value []byte `json:"value"`
}

// A Checkpointer stores checkpoints per thread. Implementations must be safe
// for concurrent use and must store each call atomically: a crash leaves
// either the whole checkpoint (or task writes) or nothing. The engine hands
// over the slices it passes to Put and PutWrites (they may be kept) and does
// not modify what Get returns.
type Checkpointer interface {
	// Put stores cp as the newest checkpoint of cp.Thread, together with
	// task writes already known for the super-step that follows it (usually
	// none), and returns its ID.
	Put(ctx context.Context, cp Checkpoint, writes []TaskWrites) (id string, err error)
	// PutWrites records the writes of one task of the super-step that
	// follows checkpoint id.
	PutWrites(ctx context.Context, thread, id string, w TaskWrites) error
	// Get returns checkpoint id of thread, or its newest if id is "", with
	// the task writes recorded against it (ordered by task). Missing
	// checkpoints give ErrNoCheckpoint, damaged ones ErrCorruptCheckpoint.
	Get(ctx context.Context, thread, id string) (Checkpoint, []TaskWrites, error)
	// List returns the IDs of thread's checkpoints, newest first.
	List(ctx context.Context, thread string) ([]string, error)
}

// A Codec encodes the state S, Send inputs and field values for
// checkpoints. The default is JSONCodec, so with it S and every field must
// survive encoding/json: exported fields, no channels or funcs, and
// interface-typed fields only with concrete types json can decode.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSONCodec is the default Codec: encoding/json.
type JSONCodec struct{}

// Marshal calls json.Marshal.
func (JSONCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal calls json.Unmarshal.
func (JSONCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
