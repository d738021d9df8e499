package rag

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// BM25 is an inverted index scored with Okapi BM25 in Lucene's form:
//
//	score(q, d) = Σ_{t ∈ q} qtf(t) · idf(t) · tf / (tf + k1·(1 − b + b·|d|/avgdl))
//	idf(t)      = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
//
// where tf is the term's frequency in d, |d| the number of indexed terms of
// d, avgdl their mean, N the number of documents, n(t) how many contain t, and
// qtf(t) how often t occurs in the query. Lucene (since version 8) drops the
// classic (k1 + 1) factor from the numerator: it multiplies every score by the
// same constant, so rankings are identical. This index leaves it out too, so
// its scores equal Lucene's up to Lucene's lossy one-byte length encoding
// (this index uses exact lengths). The idf is the "+1 inside the log" variant,
// which is never negative, unlike Robertson–Spärck Jones' original for terms
// in more than half the documents.
//
// Add and Search may be called concurrently.
type BM25 struct {
	// K1 saturates term frequency and B scales length normalisation. NewBM25
	// sets Anserini's BEIR settings, 0.9 and 0.4 (Lucene's defaults are 1.2
	// and 0.75). They are read at search time.
	K1, B float64
	// Tokenizer analyses documents and queries alike.
	Tokenizer Tokenizer

	mu       sync.RWMutex
	ids      []string
	byID     map[string]int32
	lengths  []int32
	totalLen int64
	terms    map[string]int32
	postings [][]posting
	scratch  sync.Pool
}

type posting struct {
	doc int32
	tf  int32
}

// NewBM25 returns an empty index with k1 = 0.9, b = 0.4 and the full English
// analyzer.
func NewBM25() *BM25 {
	return &BM25{K1: 0.9, B: 0.4, byID: map[string]int32{}, terms: map[string]int32{}}
}

// Len returns the number of indexed documents.
func (x *BM25) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

// Add indexes texts[i] under ids[i]. Tokenisation runs on all cores. Either
// every document is added or, on error (an empty or duplicate ID, a length
// mismatch, a cancelled context), none is.
func (x *BM25) Add(ctx context.Context, ids, texts []string) error {
	if len(ids) != len(texts) {
		panic(fmt.Sprintf("rag: BM25.Add with %d ids and %d texts", len(ids), len(texts)))
	}
	x.mu.RLock()
	err := checkNewIDs(ids, x.byID)
	x.mu.RUnlock()
	if err != nil {
		return err
	}
	type termFreqs struct {
		terms []string
		tfs   []int32
		n     int32
	}
	analysed := make([]termFreqs, len(texts))
	err = parallelFor(ctx, len(texts), func(i int) {
		counts := map[string]int32{}
		var order []string
		var n int32
		x.Tokenizer.each(texts[i], func(term string, _, _ int) {
			if counts[term] == 0 {
				order = append(order, term)
			}
			counts[term]++
			n++
		})
		tf := make([]int32, len(order))
		for j, t := range order {
			tf[j] = counts[t]
		}
		analysed[i] = termFreqs{order, tf, n}
	})
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byID == nil {
		x.byID, x.terms = map[string]int32{}, map[string]int32{}
	}
	if err := checkNewIDs(ids, x.byID); err != nil {
		return err // another Add won the race for an ID
	}
	for i, a := range analysed {
		doc := int32(len(x.ids))
		x.ids = append(x.ids, ids[i])
		x.byID[ids[i]] = doc
		x.lengths = append(x.lengths, a.n)
		x.totalLen += int64(a.n)
		for j, t := range a.terms {
			id, ok := x.terms[t]
			if !ok {
				id = int32(len(x.postings))
				x.terms[t] = id
				x.postings = append(x.postings, nil)
			}
			x.postings[id] = append(x.postings[id], posting{doc, a.tfs[j]})
		}
	}
	return nil
}

// Search returns the k best documents for query, best first, leaving out
// documents that match no query term. A query without any indexed-vocabulary
// token returns no hits; one without any token at all (empty, only stop
// words or punctuation) returns ErrEmptyQuery.
func (x *BM25) Search(query string, k int) ([]Hit, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if len(x.ids) == 0 {
		return nil, ErrEmptyIndex
	}
	qtf := map[string]float64{}
	var order []string
	x.Tokenizer.each(query, func(term string, _, _ int) {
		if qtf[term] == 0 {
			order = append(order, term)
		}
		qtf[term]++
	})
	if len(order) == 0 {
		return nil, fmt.Errorf("%w: %q has no searchable words", ErrEmptyQuery, query)
	}
	if k <= 0 {
		return nil, nil
	}
	scores, _ := x.scratch.Get().([]float64)
	if len(scores) < len(x.ids) {
		scores = make([]float64, len(x.ids))
	}
	var touched []int32
	n := float64(len(x.ids))
	avgdl := float64(x.totalLen) / n
	if avgdl == 0 {
		avgdl = 1
	}
	for _, t := range order {
		id, ok := x.terms[t]
		if !ok {
			continue
		}
		ps := x.postings[id]
		df := float64(len(ps))
		w := qtf[t] * math.Log(1+(n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := x.K1 * (1 - x.B + x.B*float64(x.lengths[p.doc])/avgdl)
			if scores[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			scores[p.doc] += w * tf / (tf + norm)
		}
	}
	top := newTopK(k)
	for _, d := range touched {
		top.push(candidate{d, scores[d]})
		scores[d] = 0
	}
	x.scratch.Put(scores)
	best := top.sorted()
	hits := make([]Hit, len(best))
	for i, c := range best {
		hits[i] = Hit{x.ids[c.pos], c.score}
	}
	return hits, nil
}

// Retrieve is Search for the Retriever interface; the context is unused
// because a BM25 search never blocks.
func (x *BM25) Retrieve(_ context.Context, query string, k int) ([]Hit, error) {
	return x.Search(query, k)
}
