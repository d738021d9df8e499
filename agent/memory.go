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
// value is ready to use; it is safe for concurrent use.
type MemoryCheckpointer struct {
	mu      sync.Mutex
	seq     int64
	threads map[string][]string // checkpoint IDs, oldest first
	byID    map[string]*memoryEntry
}

type memoryEntry struct {
	cp     Checkpoint
	writes []TaskWrites
}

// Put implements Checkpointer.
func (m *MemoryCheckpointer) Put(_ context.Context, cp Checkpoint, writes []TaskWrites) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.threads, m.byID = map[string][]string{}, map[string]*memoryEntry{}
	}
	m.seq++
	cp.ID = strconv.FormatInt(m.seq, 10)
	cp.Created = time.Now()
	cp = cloneCheckpoint(cp)
	e := &memoryEntry{cp: cp}
	for _, w := range writes {
		e.writes = append(e.writes, cloneWrites(w))
	}
	slices.SortFunc(e.writes, func(a, b TaskWrites) int { return a.Task - b.Task })
	m.byID[cp.ID] = e
	m.threads[cp.Thread] = append(m.threads[cp.Thread], cp.ID)
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
	w = cloneWrites(w)
	i, found := slices.BinarySearchFunc(e.writes, w.Task, func(a TaskWrites, t int) int { return a.Task - t })
	if found {
		e.writes[i] = w
	} else {
		e.writes = slices.Insert(e.writes, i, w)
	}
	return nil
}

// Get implements Checkpointer.
func (m *MemoryCheckpointer) Get(_ context.Context, thread, id string) (Checkpoint, []TaskWrites, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id == "" {
		ids := m.threads[thread]
		if len(ids) == 0 {
			return Checkpoint{}, nil, fmt.Errorf("%w: thread %q has none", ErrNoCheckpoint, thread)
		}
		id = ids[len(ids)-1]
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
	ids := slices.Clone(m.threads[thread])
	slices.Reverse(ids)
	return ids, nil
}

func (m *MemoryCheckpointer) entry(thread, id string) (*memoryEntry, error) {
	e := m.byID[id]
	if e == nil || e.cp.Thread != thread {
		return nil, fmt.Errorf("%w: %q in thread %q", ErrNoCheckpoint, id, thread)
	}
	return e, nil
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
