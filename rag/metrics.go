package rag

import (
	"context"
	"math"
	"slices"
	"sort"
)

// NDCG returns the normalised discounted cumulative gain of ranked at depth
// k, with trec_eval's (and so BEIR's) linear gain:
//
//	DCG@k = Σ_{i=1..k} grade(d_i) / log2(i + 1),  nDCG@k = DCG@k / ideal DCG@k.
//
// It is 0 for a query without relevant documents.
func NDCG(ranked []string, grades map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ranked[:min(k, len(ranked))] {
		if g := grades[id]; g > 0 {
			dcg += float64(g) / math.Log2(float64(i+2))
		}
	}
	var ideal []int
	for _, g := range grades {
		if g > 0 {
			ideal = append(ideal, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	idcg := 0.0
	for i, g := range ideal[:min(k, len(ideal))] {
		idcg += float64(g) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// Recall returns the fraction of the relevant documents found in the first k
// of ranked; 0 for a query without relevant documents.
func Recall(ranked []string, grades map[string]int, k int) float64 {
	relevant := 0
	for _, g := range grades {
		if g > 0 {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if grades[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(relevant)
}

// ReciprocalRank returns 1/rank of the first relevant document within the
// first k of ranked, or 0 if there is none.
func ReciprocalRank(ranked []string, grades map[string]int, k int) float64 {
	for i, id := range ranked[:min(k, len(ranked))] {
		if grades[id] > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Scores are the BEIR headline metrics, averaged over every judged query (a
// query that retrieves nothing counts as 0; pytrec_eval would leave it out).
type Scores struct {
	NDCG10, Recall100, MRR10 float64
	// Queries is the number of queries averaged.
	Queries int
	// PerQueryNDCG10 holds each query's nDCG@10 in the collection's query
	// order, for paired significance tests.
	PerQueryNDCG10 []float64
}

// Retriever is anything that ranks indexed documents for a text query:
// BM25, a DenseRetriever, a Hybrid.
type Retriever interface {
	Retrieve(ctx context.Context, query string, k int) ([]Hit, error)
}

// Evaluate runs every judged query of c through r (depth 100, queries in
// parallel) and returns the BEIR metrics. A retrieval error stops the
// evaluation and is returned.
func Evaluate(ctx context.Context, r Retriever, c *Collection) (Scores, error) {
	runs := make([][]string, len(c.Queries))
	errs := make([]error, len(c.Queries))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := parallelFor(ctx, len(c.Queries), func(i int) {
		hits, err := r.Retrieve(ctx, c.Queries[i].Text, 100)
		if err != nil {
			errs[i] = err
			cancel()
			return
		}
		runs[i] = hitIDs(hits)
	})
	for i, e := range errs {
		if e != nil {
			return Scores{}, queryError{c.Queries[i].ID, e}
		}
	}
	if err != nil {
		return Scores{}, err
	}
	return scoreRuns(c, runs), nil
}

// scoreRuns averages the metrics of runs[i], the ranking for c.Queries[i].
func scoreRuns(c *Collection, runs [][]string) Scores {
	s := Scores{Queries: len(c.Queries), PerQueryNDCG10: make([]float64, len(c.Queries))}
	for i, q := range c.Queries {
		g := c.Qrels[q.ID]
		s.PerQueryNDCG10[i] = NDCG(runs[i], g, 10)
		s.NDCG10 += s.PerQueryNDCG10[i]
		s.Recall100 += Recall(runs[i], g, 100)
		s.MRR10 += ReciprocalRank(runs[i], g, 10)
	}
	n := float64(max(s.Queries, 1))
	s.NDCG10 /= n
	s.Recall100 /= n
	s.MRR10 /= n
	return s
}

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return slices.Clip(ids)
}

// queryError names the query whose retrieval failed.
type queryError struct {
	query string
	err   error
}

func (e queryError) Error() string { return "rag: query " + e.query + ": " + e.err.Error() }
func (e queryError) Unwrap() error { return e.err }
