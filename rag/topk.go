package rag

import (
	"container/heap"
	"sort"
)

// Hit is one search result: an indexed ID and its score (higher is better).
type Hit struct {
	ID    string
	Score float64
}

// candidate is an internal result: an index position and its score.
type candidate struct {
	pos   int32
	score float64
}

// worse orders candidates by score, breaking ties by position so that every
// search is deterministic whatever the number of workers: at equal scores the
// earlier-indexed item ranks first.
func worse(a, b candidate) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.pos > b.pos
}

// topK keeps the k best candidates seen so far in a min-heap whose root is
// the worst kept one.
type topK struct {
	k int
	h candidateHeap
}

func newTopK(k int) *topK { return &topK{k: k, h: make(candidateHeap, 0, k)} }

// push offers one candidate.
func (t *topK) push(c candidate) {
	if len(t.h) < t.k {
		heap.Push(&t.h, c)
		return
	}
	if worse(t.h[0], c) {
		t.h[0] = c
		heap.Fix(&t.h, 0)
	}
}

// full reports whether k candidates are kept; then threshold is the score a
// new candidate must beat.
func (t *topK) full() bool { return len(t.h) == t.k }

func (t *topK) threshold() float64 { return t.h[0].score }

// sorted returns the kept candidates best first.
func (t *topK) sorted() []candidate {
	out := append([]candidate(nil), t.h...)
	sort.Slice(out, func(i, j int) bool { return worse(out[j], out[i]) })
	return out
}

type candidateHeap []candidate

func (h candidateHeap) Len() int           { return len(h) }
func (h candidateHeap) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h candidateHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candidateHeap) Push(x any)        { *h = append(*h, x.(candidate)) }
func (h *candidateHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
