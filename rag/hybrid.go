package rag

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Hybrid fuses several retrievers' rankings into one. Fusion selects how:
//
// RRF, weighted reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009):
//
//	score(d) = Σ_i w_i / (K + rank_i(d))
//
// where rank_i(d) is d's 1-based rank in retriever i's top Depth (a document
// absent from a list gets nothing from it). RRF needs no score calibration,
// but it also throws the scores away: a document that one retriever ranks
// 1st by a wide margin counts as much as one that wins by a hair.
//
// MinMax and TheoreticalMinMax, convex combinations of normalised scores
// (Bruch, Gai & Ingber, 2023, "An Analysis of Fusion Functions for Hybrid
// Retrieval"):
//
//	score(d) = Σ_i w_i · (s_i(d) − lo_i) / (hi_i − lo_i)
//
// where hi_i is retriever i's best score for the query and lo_i its lowest
// returned score (MinMax) or the lowest score it can give at all
// (TheoreticalMinMax: 0 for BM25, −1 for cosine similarity; a retriever
// without a ScoreFloor falls back to MinMax). A document absent from list i
// gets list i's lowest normalised score. Scores keep the margins that ranks
// throw away, and the weight is a plain trade-off; Bruch et al. find convex
// combination beats RRF in and out of domain once its one weight is tuned
// on a few queries. TheoreticalMinMax does not stretch a list whose scores
// are all close: a dense retriever unsure of every document (cosines 0.31
// to 0.33) keeps small normalised differences instead of spreading them
// over [0, 1]. On SciFact's training queries the two normalisers score
// within noise of each other (BENCHMARKS.md).
//
// Nil Weights means all 1 (plain RRF, or the unweighted sum). A weak
// retriever (a small local embedder) needs a smaller weight, chosen on
// training queries (TuneFusion), or it drags a strong one down.
//
// A retriever that finds the query empty (ErrEmptyQuery) is skipped as long
// as another one answers. Hybrid is safe for concurrent use if its
// retrievers are.
type Hybrid struct {
	Retrievers []Retriever
	// Weights holds one weight per retriever; nil means all 1.
	Weights []float64
	// Fusion is the fusion function (default RRF).
	Fusion Fusion
	// K damps the top ranks' advantage in RRF (default 60, the paper's value).
	K float64
	// Depth is how many hits each retriever contributes (default 100).
	Depth int
	// Rerank, if set, reorders the fused top k (for example a cross-encoder
	// behind an API); it may drop hits but should not invent them.
	Rerank func(ctx context.Context, query string, hits []Hit) ([]Hit, error)
}

// Fusion is a fusion function of Hybrid.
type Fusion uint8

const (
	// RRF is weighted reciprocal rank fusion.
	RRF Fusion = iota
	// MinMax is the convex combination of min-max normalised scores.
	MinMax
	// TheoreticalMinMax normalises from each retriever's ScoreFloor.
	TheoreticalMinMax
)

// ScoreFloor is implemented by retrievers whose scores have a known lower
// bound (BM25: 0; cosine similarity: −1); ok is false when there is none.
type ScoreFloor interface {
	ScoreFloor() (floor float64, ok bool)
}

func (f Fusion) String() string {
	switch f {
	case RRF:
		return "RRF"
	case MinMax:
		return "min-max"
	case TheoreticalMinMax:
		return "theoretical min-max"
	}
	return fmt.Sprintf("Fusion(%d)", uint8(f))
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
	fused := h.fuse(lists, h.Weights, k)
	if h.Rerank != nil {
		return h.Rerank(ctx, query, fused)
	}
	return fused, nil
}

// fuse combines ranked lists with weights by h.Fusion and returns the top
// k; ties keep the order in which documents were first seen. A nil list
// (a retriever that skipped the query) contributes nothing.
func (h Hybrid) fuse(lists [][]Hit, weights []float64, k int) []Hit {
	score := map[string]float64{}
	var order []string
	for _, hits := range lists {
		for _, hit := range hits {
			if _, ok := score[hit.ID]; !ok {
				score[hit.ID] = 0
				order = append(order, hit.ID)
			}
		}
	}
	for i, hits := range lists {
		if hits == nil {
			continue
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		if h.Fusion == RRF {
			k0 := h.K
			if k0 == 0 {
				k0 = 60
			}
			for r, hit := range hits {
				score[hit.ID] += w / (k0 + float64(r+1))
			}
			continue
		}
		norm, floor := normaliser(h.Fusion, h.Retrievers[i], hits)
		for id := range score {
			score[id] += w * floor
		}
		for _, hit := range hits {
			score[hit.ID] += w * (norm(hit.Score) - floor)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	out := make([]Hit, 0, min(k, len(order)))
	for _, id := range order[:min(k, len(order))] {
		out = append(out, Hit{id, score[id]})
	}
	return out
}

// normaliser returns the min-max normalisation of f fitted on one ranked,
// non-empty list of r, and the normalised score of the list's last hit,
// which documents missing from the list receive. A list whose scores are all
// equal normalises to 0.
func normaliser(f Fusion, r Retriever, hits []Hit) (func(float64) float64, float64) {
	hi, lo := hits[0].Score, hits[len(hits)-1].Score
	switch f {
	case MinMax:
	case TheoreticalMinMax:
		if sf, ok := r.(ScoreFloor); ok {
			if floor, ok := sf.ScoreFloor(); ok {
				lo = floor
			}
		}
	default:
		panic(fmt.Sprintf("rag: unknown %v", f))
	}
	norm := func(float64) float64 { return 0 }
	if hi > lo {
		norm = func(x float64) float64 { return (x - lo) / (hi - lo) }
	}
	return norm, norm(hits[len(hits)-1].Score)
}

// FusionSweep is TuneFusion's result: the weight of the first retriever that
// maximised nDCG@10, and the scores at every grid weight.
type FusionSweep struct {
	Best   float64
	Grid   []float64
	Scores []Scores
}

// TuneFusion chooses the weight w of h's first retriever (the second gets
// 1 − w) that maximises nDCG@10 on c's judged queries, trying each weight in
// grid with h's Fusion, K and Depth; of equally good weights the first in
// grid wins. Each query is retrieved once per retriever and re-fused per weight.
// Choose on training queries and report on test queries, or the number is
// optimistic. It panics unless h has exactly two retrievers.
func TuneFusion(ctx context.Context, h Hybrid, c *Collection, grid []float64) (FusionSweep, error) {
	if len(h.Retrievers) != 2 {
		panic(fmt.Sprintf("rag: TuneFusion needs 2 retrievers, got %d", len(h.Retrievers)))
	}
	depth := h.Depth
	if depth == 0 {
		depth = 100
	}
	lists := make([][][]Hit, len(c.Queries))
	errs := make([]error, len(c.Queries))
	err := parallelFor(ctx, len(c.Queries), func(i int) {
		q := c.Queries[i].Text
		lists[i] = make([][]Hit, 2)
		var es [2]error
		for j, r := range h.Retrievers {
			lists[i][j], es[j] = r.Retrieve(ctx, q, depth)
		}
		errs[i] = errors.Join(ignoreEmpty(es[0]), ignoreEmpty(es[1]))
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
			runs[i] = hitIDs(h.fuse(lists[i], []float64{w, 1 - w}, 100))
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
