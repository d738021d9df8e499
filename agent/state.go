package agent

import (
	"fmt"
	"slices"
)

// A Field is one channel of the state S: a value of type T inside S and the
// reducer that merges writes into it. Fields play the part of LangGraph's
// Annotated state keys: Replace for "last write wins", Append for message
// lists, any func(old, upd T) T for the rest (a counter, a set, a max).
//
// Declare each field once, usually as a package-level variable, and pass it
// to NewGraph so that checkpoints can name and decode pending writes:
//
//	var notes = agent.NewField("notes", func(s *State) *[]string { return &s.Notes }, agent.Append[string])
//
// A Field is immutable and safe for concurrent use.
type Field[S, T any] struct {
	name   string
	ptr    func(*S) *T
	reduce func(old, upd T) T
}

// NewField declares the field name of S reached through ptr and merged by
// reduce (nil means Replace). It panics when name is empty or ptr is nil:
// both are programming errors.
func NewField[S, T any](name string, ptr func(*S) *T, reduce func(old, upd T) T) *Field[S, T] {
	if name == "" || ptr == nil {
		panic("agent: NewField needs a name and an accessor")
	}
	if reduce == nil {
		reduce = Replace[T]
	}
	return &Field[S, T]{name: name, ptr: ptr, reduce: reduce}
}

// Set returns the write that merges v into the field through its reducer.
func (f *Field[S, T]) Set(v T) Write[S] { return Write[S]{field: f, value: v} }

// Name returns the name the field was declared with.
func (f *Field[S, T]) Name() string { return f.name }

func (f *Field[S, T]) apply(s *S, v any) {
	p := f.ptr(s)
	*p = f.reduce(*p, v.(T))
}

func (f *Field[S, T]) encode(c Codec, v any) ([]byte, error) { return c.Marshal(v.(T)) }

func (f *Field[S, T]) decode(c Codec, data []byte) (any, error) {
	var v T
	if err := c.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("field %q: %w", f.name, err)
	}
	return v, nil
}

// StateField is the type-erased view of a *Field[S, T] that NewGraph takes.
// Only *Field implements it.
type StateField[S any] interface {
	Name() string
	apply(s *S, v any)
	encode(c Codec, v any) ([]byte, error)
	decode(c Codec, data []byte) (any, error)
}

// A Write is one value for one field, made by Field.Set.
type Write[S any] struct {
	field StateField[S]
	value any
}

// Field returns the name of the field written.
func (w Write[S]) Field() string {
	if w.field == nil {
		return ""
	}
	return w.field.Name()
}

// An Update is what a node returns: writes merged into the state through
// each field's reducer, in order, after the super-step. A nil Update changes
// nothing.
type Update[S any] []Write[S]

// Replace is the reducer of a field whose last write wins.
func Replace[T any](_, upd T) T { return upd }

// Append is the reducer of a list field: the update's elements are added at
// the end. It always returns a new slice, so earlier states (held by
// streamed events or checkpoints) never see later appends.
func Append[E any](old, upd []E) []E { return slices.Concat(old, upd) }
