package rag

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Hybrid fuses several retrievers by weighted reciprocal rank fusion
// (Cormack, Clarke & Büttcher, 2009):
//
//	score(d) = Σ_i w_i / (K + rank_i(d))
//
// where rank_i(d) is d's 1-based rank in retriever i's top Depth (a document
// absent from a list gets nothing from it). RRF needs no score calibration:
// BM25 scores and cosines live on different scales, ranks do not. With equal
// weights it is plain RRF; a weak retriever (a small local embedder) should
// get a smaller weight, chosen on training queries (TuneFusion), or it drags
// a strong one down.
//
// A retriever that finds the query empty (ErrEmptyQuery) is skipped as long
// as another one answers. Hybrid is safe for concurrent use if its
// retrievers are.
type Hybrid struct {
	Retrievers []Retriever
	// Weights holds one weight per retriever; nil means all 1 (plain RRF).
	Weights []float64
	// K damps the top ranks' advantage (default 60, the paper's value).
	K float64
	// Depth is how many hits each retriever contributes (default 100).
	Depth int
	// Rerank, if set, reorders the fused top k (for example a cross-encoder
	// behind an API); it may drop hits but should not invent them.
	Rerank func(ctx context.Context, query string, hits []Hit) ([]Hit, error)
}

// Retrieve returns the fused top k.
func (h Hybrid) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	if h.Weights != nil && len(h.Weights) != len(h.Retrievers) {
		panic(fmt.Sprintf("rag: Hybrid has %d retrievers and %d weights", len(h.Retrievers), len(h.Weights)))
	}
	depth := h.Depth
	if depth == 0 {
		depth = 100
	}
	lists := make([][]Hit, len(h.Retrievers))
	var emptyErr error
	answered := 0
	for i, r := range h.Retrievers {
		hits, err := r.Retrieve(ctx, query, max(depth, k))
		switch {
		case errors.Is(err, ErrEmptyQuery):
			emptyErr = err
			continue
		case err != nil:
			return nil, err
		}
		lists[i] = hits
		answered++
	}
	if answered == 0 {
		if emptyErr == nil {
			emptyErr = ErrEmptyQuery
		}
		return nil, emptyErr
	}
	fused := fuse(lists, h.Weights, h.K, k)
	if h.Rerank != nil {
		return h.Rerank(ctx, query, fused)
	}
	return fused, nil
}

// fuse combines ranked lists by weighted RRF and returns the top k; ties
// keep the order in which documents were first seen.
func fuse(lists [][]Hit, weights []float64, k0 float64, k int) []Hit {
	if k0 == 0 {
		k0 = 60
	}
	score := map[string]float64{}
	var order []string
	for i, hits := range lists {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		for r, hit := range hits {
			if _, ok := score[hit.ID]; !ok {
				order = append(order, hit.ID)
			}
			score[hit.ID] += w / (k0 + float64(r+1))
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	out := make([]Hit, 0, min(k, len(order)))
	for _, id := range order[:min(k, len(order))] {
		out = append(out, Hit{id, score[id]})
	}
	return out
}

// FusionSweep is TuneFusion's result: the weight of the first retriever that
// maximised nDCG@10, and the scores at every grid weight.
type FusionSweep struct {
	Best   float64
	Grid   []float64
	Scores []Scores
}

// TuneFusion chooses the weight w of the first retriever (the second gets
// 1 − w) that maximises nDCG@10 on c's judged queries, trying each weight in
// grid. Each query is retrieved once per retriever and re-fused per weight.
// Choose on training queries and report on test queries, or the number is
// optimistic.
func TuneFusion(ctx context.Context, first, second Retriever, c *Collection, grid []float64, rrfK float64) (FusionSweep, error) {
	a, b := make([][]Hit, len(c.Queries)), make([][]Hit, len(c.Queries))
	errs := make([]error, len(c.Queries))
	err := parallelFor(ctx, len(c.Queries), func(i int) {
		q := c.Queries[i].Text
		var err1, err2 error
		a[i], err1 = first.Retrieve(ctx, q, 100)
		b[i], err2 = second.Retrieve(ctx, q, 100)
		errs[i] = errors.Join(ignoreEmpty(err1), ignoreEmpty(err2))
	})
	for i, e := range errs {
		if e != nil {
			return FusionSweep{}, queryError{c.Queries[i].ID, e}
		}
	}
	if err != nil {
		return FusionSweep{}, err
	}
	sweep := FusionSweep{Grid: grid, Best: -1}
	bestScore := -1.0
	for _, w := range grid {
		runs := make([][]string, len(c.Queries))
		for i := range runs {
			runs[i] = hitIDs(fuse([][]Hit{a[i], b[i]}, []float64{w, 1 - w}, rrfK, 100))
		}
		s := scoreRuns(c, runs)
		sweep.Scores = append(sweep.Scores, s)
		if s.NDCG10 > bestScore {
			bestScore, sweep.Best = s.NDCG10, w
		}
	}
	return sweep, nil
}

func ignoreEmpty(err error) error {
	if errors.Is(err, ErrEmptyQuery) {
		return nil
	}
	return err
}
