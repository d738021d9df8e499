package rag

import (
	"context"
	"errors"
	"fmt"
)

// Feedback is dense retrieval with pseudo-relevance feedback from a first
// retriever: Rocchio's query update (Rocchio, 1971, "Relevance feedback in
// information retrieval") in embedding space,
//
//	q' = q/‖q‖ + Beta · mean(d_1, …, d_Docs)
//
// where d_i are the stored vectors of First's top Docs documents, taken to
// be relevant without asking anyone. A short query embeds poorly with a
// bag-of-words model such as LSA (a few rare words, some outside its
// vocabulary), while a whole abstract embeds well; adding the vectors of
// BM25's best few documents moves the query towards their topic, so the
// dense side finds their semantic neighbours. The risk is topic drift when
// First's top documents are wrong, which is why Docs is small.
//
// The defaults, Docs = 5 and Beta = 1, gave the best hybrid on SciFact's
// training queries among the Docs and Beta tried (BENCHMARKS.md; Docs = 1
// makes the best dense retriever alone, but fused with BM25 it repeats
// BM25's top document rather than adding to it).
// A document whose vector the index does not hold (one that embedded to
// zero) is skipped. Feedback is safe for concurrent use if its parts are.
type Feedback struct {
	Dense DenseRetriever
	First Retriever
	// Docs is how many of First's top documents feed back (default 5).
	Docs int
	// Beta weighs their mean vector against the query's (default 1).
	Beta float64
}

// Retrieve returns the k nearest stored vectors to the expanded query. If
// First finds the query empty, the plain query vector is used; if the query
// embeds to zero, the feedback vectors alone are, and without either it
// returns ErrEmptyQuery.
func (f Feedback) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	docs, beta := f.Docs, f.Beta
	if docs == 0 {
		docs = 5
	}
	if beta == 0 {
		beta = 1
	}
	vecs, err := f.Dense.Embedder.Embed(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 || len(vecs[0]) != f.Dense.Index.Dim() {
		return nil, fmt.Errorf("%w: embedder returned %d vectors for 1 text", ErrAPI, len(vecs))
	}
	q := make([]float32, len(vecs[0]))
	copy(q, vecs[0])
	normalize(q)
	top, err := f.First.Retrieve(ctx, query, docs)
	if err != nil && !errors.Is(err, ErrEmptyQuery) {
		return nil, err
	}
	var fed []float32
	n := 0
	for _, h := range top {
		if v, ok := f.Dense.Index.Vector(h.ID); ok {
			if fed == nil {
				fed = make([]float32, len(v))
			}
			for i, x := range v {
				fed[i] += x
			}
			n++
		}
	}
	if n > 0 {
		w := float32(beta / float64(n))
		for i, x := range fed {
			q[i] += w * x
		}
	}
	hits, err := f.Dense.Index.Search(q, k)
	if errors.Is(err, ErrZeroVector) {
		return nil, fmt.Errorf("%w: %q embeds to a zero vector and finds no feedback", ErrEmptyQuery, query)
	}
	return hits, err
}

// ScoreFloor is the dense index's: −1 under Cosine.
func (f Feedback) ScoreFloor() (float64, bool) { return f.Dense.ScoreFloor() }
