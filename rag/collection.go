package rag

import (
	"context"
	"fmt"
)

// Collection is a retrieval benchmark: documents, queries and relevance
// judgements (qrels), as in BEIR or the classic SMART collections.
type Collection struct {
	// Name says where the collection came from, e.g. "beir-scifact/test".
	Name string
	// Corpus holds the documents; a title, when present, starts Text (a
	// "flat" title+text index) and is also in Meta["title"].
	Corpus []Document
	// Queries holds the judged queries, in file order.
	Queries []Query
	// Qrels maps a query ID to its judged document IDs and grades; a grade
	// above 0 means relevant.
	Qrels Qrels
}

// Query is one benchmark query.
type Query struct {
	ID, Text string
}

// Qrels maps query ID → document ID → relevance grade.
type Qrels map[string]map[string]int

// add records one judgement.
func (q Qrels) add(query, doc string, grade int) {
	m := q[query]
	if m == nil {
		m = map[string]int{}
		q[query] = m
	}
	m[doc] = grade
}

// judged keeps the queries that have judgements, in their order.
func judged(all []Query, qrels Qrels) []Query {
	var out []Query
	for _, q := range all {
		if _, ok := qrels[q.ID]; ok {
			out = append(out, q)
		}
	}
	return out
}

// Indexed holds the retrievers over a collection's documents, indexed whole
// (BEIR scores documents, not chunks).
type Indexed struct {
	BM25  *BM25
	Dense DenseRetriever
}

// IndexCollection indexes c's corpus with BM25 and with emb into a Flat
// cosine index; a nil emb fits an LSA with lsa's options on the corpus.
// BM25 uses lsa.Tokenizer too.
func IndexCollection(ctx context.Context, c *Collection, emb Embedder, lsa LSAOptions) (*Indexed, error) {
	ids := make([]string, len(c.Corpus))
	texts := make([]string, len(c.Corpus))
	for i, d := range c.Corpus {
		ids[i], texts[i] = d.ID, d.Text
	}
	bm, dense, err := indexTexts(ctx, ids, texts, emb, lsa, nil)
	if err != nil {
		return nil, err
	}
	return &Indexed{BM25: bm, Dense: dense}, nil
}

// indexTexts indexes texts with BM25 (tokenised by lsa.Tokenizer) and with
// emb into newIndex (nil: an exact Flat cosine index). A nil emb fits an LSA
// with lsa's options on the texts; BM25 and the LSA then share one analysis
// of the corpus, tokenising being the dearest step of indexing.
func indexTexts(ctx context.Context, ids, texts []string, emb Embedder, lsa LSAOptions, newIndex func(dim int) VectorIndex) (*BM25, DenseRetriever, error) {
	bm := NewBM25()
	bm.Tokenizer = lsa.Tokenizer
	analysed, err := bm.Tokenizer.analyseAll(ctx, texts)
	if err != nil {
		return nil, DenseRetriever{}, err
	}
	// BM25's postings and the dense side only read the analysis, so the
	// serial posting build overlaps the embedding.
	bmDone := make(chan error, 1)
	go func() { bmDone <- bm.addAnalysed(ids, analysed) }()
	var vecs [][]float32
	if emb == nil {
		var l *LSA
		l, vecs, err = fitLSA(ctx, analysed, lsa, true)
		emb = l
	} else {
		vecs, err = emb.Embed(ctx, texts)
	}
	if bmErr := <-bmDone; bmErr != nil {
		return nil, DenseRetriever{}, bmErr
	}
	if err != nil {
		return nil, DenseRetriever{}, err
	}
	if len(vecs) != len(texts) || len(vecs[0]) == 0 {
		return nil, DenseRetriever{}, fmt.Errorf("%w: embedder returned %d vectors for %d texts", ErrAPI, len(vecs), len(texts))
	}
	var index VectorIndex
	if newIndex != nil {
		index = newIndex(len(vecs[0]))
	} else {
		index = NewFlat(len(vecs[0]), Cosine)
	}
	if err := addDirectional(index, ids, vecs); err != nil {
		return nil, DenseRetriever{}, err
	}
	return bm, DenseRetriever{Embedder: emb, Index: index}, nil
}

// addDirectional adds the vectors that have a direction. A text whose words
// the embedder does not know embeds to zero; it stays findable through BM25.
func addDirectional(index VectorIndex, ids []string, vecs [][]float32) error {
	var keepIDs []string
	var keepVecs [][]float32
	for i, v := range vecs {
		if _, err := prepare(v, len(v), Cosine); err == nil {
			keepIDs, keepVecs = append(keepIDs, ids[i]), append(keepVecs, v)
		}
	}
	return index.Add(keepIDs, keepVecs)
}
