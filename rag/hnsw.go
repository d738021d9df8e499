package rag

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// HNSW is a hierarchical navigable small-world graph (Malkov & Yashunin,
// 2018, "Efficient and robust approximate nearest neighbor search using
// Hierarchical Navigable Small World graphs"): approximate nearest-neighbour
// search in roughly logarithmic time.
//
// Every vector is a node on layer 0; a node reaches layer l with probability
// M^−l, so upper layers are sparse "express lanes". A search descends
// greedily from the top entry point, then runs a beam search of width
// EfSearch on layer 0. Insertion runs the same search with width
// EfConstruction and links the node to up to M neighbours per layer (2M on
// layer 0) chosen by the paper's heuristic, which skips a candidate that is
// closer to an already chosen neighbour than to the new node: this keeps
// links pointing in diverse directions and is what makes the graph navigable
// on clustered data.
//
// Recall rises and speed falls with EfSearch (set per index, or per call via
// SearchEf); M trades memory and build time for recall. Deletion marks a
// node: it stays in the graph as a waypoint but is never returned, so an
// index with many deletions should be rebuilt.
//
// Add builds in batches: the new nodes of a batch search the graph as it was
// before the batch, in parallel, and also consider each other; links are
// then applied in insertion order. The graph is therefore the same for any
// number of workers (deterministic for a given Seed and sequence of Adds).
// HNSW is safe for concurrent use.
type HNSW struct {
	opt HNSWOptions
	dim int
	m0  int // layer-0 degree bound, 2M

	mu       sync.RWMutex
	data     []float32
	ids      []string
	byID     map[string]int32 // live nodes only
	deleted  []bool
	levels   []uint8
	links0   []int32 // node i's layer-0 links are links0[i*m0 : i*m0+count0[i]]
	count0   []uint8
	upper    [][][]int32 // upper[i][l-1]: node i's links on layer l ≥ 1
	entry    int32
	maxLevel int
	rng      *rand.Rand
	visited  sync.Pool
}

// HNSWOptions configure NewHNSW; zero fields take the defaults shown.
type HNSWOptions struct {
	Metric Metric
	// M bounds links per node on upper layers (default 16; at most 127).
	M int
	// EfConstruction is the beam width while inserting (default 200).
	EfConstruction int
	// EfSearch is the beam width while searching (default 64; a search uses
	// at least k).
	EfSearch int
	// Seed draws node levels.
	Seed uint64
}

// NewHNSW returns an empty HNSW index. It panics if dim <= 0 or M > 127.
func NewHNSW(dim int, opt HNSWOptions) *HNSW {
	if dim <= 0 {
		panic(fmt.Sprintf("rag: NewHNSW dimension %d", dim))
	}
	if opt.M == 0 {
		opt.M = 16
	}
	if opt.EfConstruction == 0 {
		opt.EfConstruction = 200
	}
	if opt.EfSearch == 0 {
		opt.EfSearch = 64
	}
	if opt.M < 2 || opt.M > 127 || opt.EfConstruction < 1 || opt.EfSearch < 1 {
		panic(fmt.Sprintf("rag: HNSWOptions M=%d EfConstruction=%d EfSearch=%d", opt.M, opt.EfConstruction, opt.EfSearch))
	}
	return &HNSW{
		opt: opt, dim: dim, m0: 2 * opt.M, byID: map[string]int32{}, entry: -1,
		rng: rand.New(rand.NewPCG(opt.Seed, 0x686e7377)),
	}
}

// Dim returns the vector dimension.
func (h *HNSW) Dim() int { return h.dim }

// Len returns the number of live vectors.
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byID)
}

// SetEfSearch changes the default search beam width.
func (h *HNSW) SetEfSearch(ef int) {
	if ef < 1 {
		panic(fmt.Sprintf("rag: HNSW EfSearch %d", ef))
	}
	h.mu.Lock()
	h.opt.EfSearch = ef
	h.mu.Unlock()
}

// hnswNode is a node and its similarity to the current query.
type hnswNode struct {
	id  int32
	sim float32
}

func (h *HNSW) vec(i int32) []float32 { return h.data[int(i)*h.dim : int(i+1)*h.dim] }

func (h *HNSW) links(i int32, level int) []int32 {
	if level == 0 {
		return h.links0[int(i)*h.m0 : int(i)*h.m0+int(h.count0[i])]
	}
	return h.upper[i][level-1]
}

func (h *HNSW) setLinks(i int32, level int, ns []int32) {
	if level == 0 {
		copy(h.links0[int(i)*h.m0:], ns)
		h.count0[i] = uint8(len(ns))
		return
	}
	h.upper[i][level-1] = append(h.upper[i][level-1][:0], ns...)
}

func (h *HNSW) maxLinks(level int) int {
	if level == 0 {
		return h.m0
	}
	return h.opt.M
}

// Add inserts vectors; see VectorIndex and the type's comment on batching.
func (h *HNSW) Add(ids []string, vecs [][]float32) error {
	return h.AddContext(context.Background(), ids, vecs)
}

// AddContext is Add with cancellation, checked between insertion batches.
// When ctx is cancelled the vectors already linked stay indexed (a prefix of
// ids, in order; Len tells how many), the rest are not added, and ctx's error
// is returned.
func (h *HNSW) AddContext(ctx context.Context, ids []string, vecs [][]float32) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	prepared, err := prepareAll(ids, vecs, h.dim, h.opt.Metric, h.byID)
	if err != nil {
		return err
	}
	start := int32(len(h.ids))
	for i, v := range prepared {
		level := h.drawLevel()
		h.data = append(h.data, v...)
		h.ids = append(h.ids, ids[i])
		h.deleted = append(h.deleted, false)
		h.levels = append(h.levels, uint8(level))
		h.links0 = append(h.links0, make([]int32, h.m0)...)
		h.count0 = append(h.count0, 0)
		h.upper = append(h.upper, make([][]int32, level))
	}
	end := int32(len(h.ids))
	for lo := start; lo < end; {
		if err := ctx.Err(); err != nil {
			h.truncate(lo)
			return err
		}
		hi := min(end, lo+hnswBatch(lo))
		h.insertBatch(lo, hi)
		for i := lo; i < hi; i++ {
			h.byID[h.ids[i]] = i
		}
		lo = hi
	}
	return nil
}

// truncate drops nodes [n, len) that no link points to yet.
func (h *HNSW) truncate(n int32) {
	h.data = h.data[:int(n)*h.dim]
	h.ids = h.ids[:n]
	h.deleted = h.deleted[:n]
	h.levels = h.levels[:n]
	h.links0 = h.links0[:int(n)*h.m0]
	h.count0 = h.count0[:n]
	h.upper = h.upper[:n]
}

// hnswBatch sizes a batch from the graph size: tiny at first, when every
// node changes the graph's shape, then up to 256 nodes.
func hnswBatch(graph int32) int32 { return min(256, max(1, graph/64)) }

// drawLevel draws ⌊−ln U · mL⌋ with mL = 1/ln M, capped at 32.
func (h *HNSW) drawLevel() int {
	u := 1 - h.rng.Float64() // in (0, 1]
	return min(32, int(-math.Log(u)/math.Log(float64(h.opt.M))))
}

// insertBatch links nodes [lo, hi), already stored.
func (h *HNSW) insertBatch(lo, hi int32) {
	n := int(hi - lo)
	chosen := make([][][]int32, n) // chosen[v-lo][l]: v's new links on layer l
	_ = parallelFor(context.Background(), n, func(i int) {
		v := lo + int32(i)
		q := h.vec(v)
		level := int(h.levels[v])
		cands := make([][]hnswNode, level+1)
		if h.entry >= 0 {
			vis := h.getVisited()
			ep := []hnswNode{{h.entry, dot(q, h.vec(h.entry))}}
			for l := h.maxLevel; l > level; l-- {
				ep = h.searchLayer(q, ep, 1, l, vis)
			}
			for l := min(level, h.maxLevel); l >= 0; l-- {
				ep = h.searchLayer(q, ep, h.opt.EfConstruction, l, vis)
				cands[l] = append([]hnswNode(nil), ep...)
			}
			h.visited.Put(vis)
		}
		for u := lo; u < v; u++ { // earlier nodes of the same batch
			s := dot(q, h.vec(u))
			for l := 0; l <= min(level, int(h.levels[u])); l++ {
				cands[l] = append(cands[l], hnswNode{u, s})
			}
		}
		chosen[i] = make([][]int32, level+1)
		for l := range cands {
			sortBySim(cands[l])
			chosen[i][l] = h.selectNeighbors(cands[l], h.maxLinks(l))
		}
	})
	// Apply in insertion order: own links first, then gather the reverse
	// links per target so each target is updated by one goroutine.
	type key struct {
		node  int32
		level int
	}
	incoming := map[key][]int32{}
	var targets []key
	for i := range n {
		v := lo + int32(i)
		for l, ns := range chosen[i] {
			h.setLinks(v, l, ns)
			for _, u := range ns {
				k := key{u, l}
				if _, ok := incoming[k]; !ok {
					targets = append(targets, k)
				}
				incoming[k] = append(incoming[k], v)
			}
		}
		if h.entry < 0 || int(h.levels[v]) > h.maxLevel {
			h.entry, h.maxLevel = v, int(h.levels[v])
		}
	}
	_ = parallelFor(context.Background(), len(targets), func(i int) {
		t := targets[i]
		cur := h.links(t.node, t.level)
		merged := append([]int32(nil), cur...)
		for _, v := range incoming[t] {
			if !containsNode(merged, v) {
				merged = append(merged, v)
			}
		}
		if len(merged) > h.maxLinks(t.level) {
			base := h.vec(t.node)
			cands := make([]hnswNode, len(merged))
			for j, u := range merged {
				cands[j] = hnswNode{u, dot(base, h.vec(u))}
			}
			sortBySim(cands)
			merged = h.selectNeighbors(cands, h.maxLinks(t.level))
		}
		h.setLinks(t.node, t.level, merged)
	})
}

func containsNode(ns []int32, v int32) bool {
	for _, u := range ns {
		if u == v {
			return true
		}
	}
	return false
}

// sortBySim orders nodes most similar first, ties by node number.
func sortBySim(ns []hnswNode) {
	sort.Slice(ns, func(a, b int) bool {
		if ns[a].sim != ns[b].sim {
			return ns[a].sim > ns[b].sim
		}
		return ns[a].id < ns[b].id
	})
}

// selectNeighbors is the paper's Algorithm 4 without extension: walk the
// candidates from most to least similar and keep one only if it is more
// similar to the base than to every neighbour kept so far.
func (h *HNSW) selectNeighbors(cands []hnswNode, m int) []int32 {
	out := make([]int32, 0, m)
	for _, c := range cands {
		if len(out) == m {
			break
		}
		if containsNode(out, c.id) {
			continue
		}
		vc := h.vec(c.id)
		good := true
		for _, s := range out {
			if dot(vc, h.vec(s)) > c.sim {
				good = false
				break
			}
		}
		if good {
			out = append(out, c.id)
		}
	}
	return out
}

// visitedSet marks nodes seen by one search; bumping the generation clears
// it in O(1).
type visitedSet struct {
	marks []uint32
	gen   uint32
}

func (h *HNSW) getVisited() *visitedSet {
	vs, _ := h.visited.Get().(*visitedSet)
	if vs == nil {
		vs = &visitedSet{}
	}
	if len(vs.marks) < len(h.ids) {
		vs.marks = make([]uint32, len(h.ids)+len(h.ids)/4)
		vs.gen = 0
	}
	vs.gen++
	if vs.gen == 0 {
		clear(vs.marks)
		vs.gen = 1
	}
	return vs
}

// searchLayer is the paper's Algorithm 2: a best-first beam search of width
// ef on one layer from the entry points, returning the ef most similar
// nodes found, most similar first.
func (h *HNSW) searchLayer(q []float32, entries []hnswNode, ef, level int, vis *visitedSet) []hnswNode {
	vis.gen++
	if vis.gen == 0 {
		clear(vis.marks)
		vis.gen = 1
	}
	var cand maxHeap
	var res minHeap
	for _, e := range entries {
		vis.marks[e.id] = vis.gen
		cand.push(e)
		res.push(e)
		if len(res) > ef {
			res.pop()
		}
	}
	for len(cand) > 0 {
		c := cand.pop()
		if len(res) >= ef && c.sim < res[0].sim {
			break
		}
		for _, u := range h.links(c.id, level) {
			if vis.marks[u] == vis.gen {
				continue
			}
			vis.marks[u] = vis.gen
			s := dot(q, h.vec(u))
			if len(res) < ef || s > res[0].sim {
				cand.push(hnswNode{u, s})
				res.push(hnswNode{u, s})
				if len(res) > ef {
					res.pop()
				}
			}
		}
	}
	out := make([]hnswNode, len(res))
	for i := len(res) - 1; i >= 0; i-- {
		out[i] = res.pop()
	}
	return out
}

// Search returns the approximate k nearest live vectors with the index's
// EfSearch; see VectorIndex.
func (h *HNSW) Search(q []float32, k int) ([]Hit, error) {
	return h.SearchEf(q, k, 0)
}

// SearchEf is Search with beam width ef (0 means the index's EfSearch; the
// width used is at least k).
func (h *HNSW) SearchEf(q []float32, k, ef int) ([]Hit, error) {
	query, err := prepare(q, h.dim, h.opt.Metric)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.byID) == 0 {
		return nil, ErrEmptyIndex
	}
	if k <= 0 {
		return nil, nil
	}
	if ef <= 0 {
		ef = h.opt.EfSearch
	}
	ef = max(ef, k)
	vis := h.getVisited()
	defer h.visited.Put(vis)
	ep := []hnswNode{{h.entry, dot(query, h.vec(h.entry))}}
	for l := h.maxLevel; l > 0; l-- {
		ep = h.searchLayer(query, ep, 1, l, vis)
	}
	found := h.searchLayer(query, ep, ef, 0, vis)
	hits := make([]Hit, 0, k)
	for _, c := range found {
		if h.deleted[c.id] {
			continue
		}
		hits = append(hits, Hit{h.ids[c.id], float64(c.sim)})
		if len(hits) == k {
			break
		}
	}
	return hits, nil
}

// Delete marks id deleted; see the type's comment.
func (h *HNSW) Delete(id string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	i, ok := h.byID[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	h.deleted[i] = true
	delete(h.byID, id)
	return nil
}

// maxHeap and minHeap are binary heaps of nodes by similarity, written out
// because container/heap's interface calls dominate a search's cost.
type maxHeap []hnswNode

func (h *maxHeap) push(x hnswNode) {
	*h = append(*h, x)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p].sim >= a[i].sim {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *maxHeap) pop() hnswNode {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	for i := 0; ; {
		l, best := 2*i+1, i
		if l < n && a[l].sim > a[best].sim {
			best = l
		}
		if r := l + 1; r < n && a[r].sim > a[best].sim {
			best = r
		}
		if best == i {
			break
		}
		a[i], a[best] = a[best], a[i]
		i = best
	}
	*h = a
	return top
}

type minHeap []hnswNode

func (h *minHeap) push(x hnswNode) {
	*h = append(*h, x)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p].sim <= a[i].sim {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *minHeap) pop() hnswNode {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	for i := 0; ; {
		l, best := 2*i+1, i
		if l < n && a[l].sim < a[best].sim {
			best = l
		}
		if r := l + 1; r < n && a[r].sim < a[best].sim {
			best = r
		}
		if best == i {
			break
		}
		a[i], a[best] = a[best], a[i]
		i = best
	}
	*h = a
	return top
}
