package rag

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Flat is exact nearest-neighbour search: every query is compared with every
// stored vector, in parallel blocks (a matrix–vector product per block), and
// a heap keeps the k best. It is the ground truth HNSW is measured against,
// and the right index below about 10^4 vectors.
type Flat struct {
	metric Metric
	dim    int

	mu   sync.RWMutex
	data []float32 // row i is vector i
	ids  []string
	byID map[string]int32
}

// NewFlat returns an empty exact index. It panics if dim <= 0.
func NewFlat(dim int, metric Metric) *Flat {
	if dim <= 0 {
		panic(fmt.Sprintf("rag: NewFlat dimension %d", dim))
	}
	return &Flat{metric: metric, dim: dim, byID: map[string]int32{}}
}

// Dim returns the vector dimension.
func (f *Flat) Dim() int { return f.dim }

// Len returns the number of stored vectors.
func (f *Flat) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.ids)
}

// Add stores vectors; see VectorIndex.
func (f *Flat) Add(ids []string, vecs [][]float32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	prepared, err := prepareAll(ids, vecs, f.dim, f.metric, f.byID)
	if err != nil {
		return err
	}
	for i, v := range prepared {
		f.byID[ids[i]] = int32(len(f.ids))
		f.ids = append(f.ids, ids[i])
		f.data = append(f.data, v...)
	}
	return nil
}

// Delete removes id by moving the last vector into its slot.
func (f *Flat) Delete(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.byID[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	last := int32(len(f.ids) - 1)
	if i != last {
		copy(f.data[int(i)*f.dim:int(i+1)*f.dim], f.data[int(last)*f.dim:])
		f.ids[i] = f.ids[last]
		f.byID[f.ids[i]] = i
	}
	f.ids = f.ids[:last]
	f.data = f.data[:int(last)*f.dim]
	delete(f.byID, id)
	return nil
}

// flatBlock is how many rows one worker scores per matrix–vector product.
const flatBlock = 4096

// Search returns the k most similar vectors; see VectorIndex.
func (f *Flat) Search(q []float32, k int) ([]Hit, error) {
	query, err := prepare(q, f.dim, f.metric)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	n := len(f.ids)
	if n == 0 {
		return nil, ErrEmptyIndex
	}
	if k <= 0 {
		return nil, nil
	}
	blocks := (n + flatBlock - 1) / flatBlock
	workers := min(runtime.GOMAXPROCS(0), blocks)
	tops := make([]*topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			top := newTopK(k)
			scores := make([]float32, flatBlock)
			for b := w; b < blocks; b += workers {
				lo, hi := b*flatBlock, min((b+1)*flatBlock, n)
				rows := hi - lo
				blas32.Gemv(blas.NoTrans, 1,
					blas32.General{Rows: rows, Cols: f.dim, Stride: f.dim, Data: f.data[lo*f.dim : hi*f.dim]},
					blas32.Vector{N: f.dim, Inc: 1, Data: query}, 0,
					blas32.Vector{N: rows, Inc: 1, Data: scores[:rows]})
				for i, s := range scores[:rows] {
					if !top.full() || float64(s) >= top.threshold() {
						top.push(candidate{int32(lo + i), float64(s)})
					}
				}
			}
			tops[w] = top
		}()
	}
	wg.Wait()
	merged := newTopK(k)
	for _, t := range tops {
		for _, c := range t.h {
			merged.push(c)
		}
	}
	return f.hits(merged.sorted()), nil
}

func (f *Flat) hits(cs []candidate) []Hit {
	out := make([]Hit, len(cs))
	for i, c := range cs {
		out[i] = Hit{f.ids[c.pos], c.score}
	}
	return out
}

// DenseRetriever embeds a query and searches a vector index: the dense half
// of hybrid retrieval.
type DenseRetriever struct {
	Embedder Embedder
	Index    VectorIndex
}

// Retrieve embeds query and returns the k nearest stored vectors. A query
// that embeds to a zero vector (no known word) returns ErrEmptyQuery.
func (d DenseRetriever) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	vecs, err := d.Embedder.Embed(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("%w: embedder returned %d vectors for 1 text", ErrAPI, len(vecs))
	}
	hits, err := d.Index.Search(vecs[0], k)
	if err != nil && errors.Is(err, ErrZeroVector) {
		return nil, fmt.Errorf("%w: %q embeds to a zero vector", ErrEmptyQuery, query)
	}
	return hits, err
}
