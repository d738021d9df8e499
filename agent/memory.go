package agent

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemoryCheckpointer keeps checkpoints in memory: for tests, notebooks and
// runs that only need interrupts and time travel within one process. The zero
// value is ready to use; it is safe for concurrent use. Checkpoint IDs count
// up from "1" within each thread.
type MemoryCheckpointer struct {
	mu      sync.Mutex
	threads map[string][]*memoryEntry // oldest first; ID i+1 at index i
}

type memoryEntry struct {
	cp     Checkpoint
	writes []TaskWrites
}

// Put implements Checkpointer. It keeps cp's and writes' slices, which the
// caller hands over.
func (m *MemoryCheckpointer) Put(_ context.Context, cp Checkpoint, writes []TaskWrites) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.threads == nil {
		m.threads = map[string][]*memoryEntry{}
	}
	entries := m.threads[cp.Thread]
	cp.ID = strconv.Itoa(len(entries) + 1)
	cp.Created = time.Now()
	e := &memoryEntry{cp: cp, writes: slices.Clone(writes)}
	slices.SortFunc(e.writes, func(a, b TaskWrites) int { return a.Task - b.Task })
	m.threads[cp.Thread] = append(entries, e)
	return cp.ID, nil
}

// PutWrites implements Checkpointer.
func (m *MemoryCheckpointer) PutWrites(_ context.Context, thread, id string, w TaskWrites) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.entry(thread, id)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(e.writes, w.Task, func(a TaskWrites, t int) int { return a.Task - t })
	if found {
		e.writes[i] = w
	} else {
		e.writes = slices.Insert(e.writes, i, w)
	}
	return nil
}

// Get implements Checkpointer. The result is a copy.
func (m *MemoryCheckpointer) Get(_ context.Context, thread, id string) (Checkpoint, []TaskWrites, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id == "" {
		n := len(m.threads[thread])
		if n == 0 {
			return Checkpoint{}, nil, fmt.Errorf("%w: thread %q has none", ErrNoCheckpoint, thread)
		}
		id = strconv.Itoa(n)
	}
	e, err := m.entry(thread, id)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	writes := make([]TaskWrites, len(e.writes))
	for i, w := range e.writes {
		writes[i] = cloneWrites(w)
	}
	return cloneCheckpoint(e.cp), writes, nil
}

// List implements Checkpointer.
func (m *MemoryCheckpointer) List(_ context.Context, thread string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.threads[thread])
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(n - i)
	}
	return ids, nil
}

func (m *MemoryCheckpointer) entry(thread, id string) (*memoryEntry, error) {
	entries := m.threads[thread]
	i, err := strconv.Atoi(id)
	if err != nil || i < 1 || i > len(entries) || strconv.Itoa(i) != id {
		return nil, fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
	}
	return entries[i-1], nil
}

func cloneCheckpoint(cp Checkpoint) Checkpoint {
	cp.State = slices.Clone(cp.State)
	cp.Next = slices.Clone(cp.Next)
	for i := range cp.Next {
		cp.Next[i].Input = slices.Clone(cp.Next[i].Input)
	}
	return cp
}

func cloneWrites(w TaskWrites) TaskWrites {
	w.Writes = slices.Clone(w.Writes)
	for i := range w.Writes {
		w.Writes[i].Value = slices.Clone(w.Writes[i].Value)
	}
	return w
}
