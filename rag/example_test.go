package rag_test

import (
	"context"
	"fmt"

	"github.com/mlprep/mlprep/rag"
)

// BM25 over three documents: the document that repeats the rare query word
// ranks first.
func ExampleBM25() {
	ix := rag.NewBM25()
	err := ix.Add(context.Background(),
		[]string{"a", "b", "c"},
		[]string{"The cat sat on the mat.", "Dogs chase cats; cats flee dogs.", "A treatise on mats and rugs."})
	if err != nil {
		panic(err)
	}
	hits, _ := ix.Search("cats", 3)
	for _, h := range hits {
		fmt.Printf("%s %.3f\n", h.ID, h.Score)
	}
	// Output:
	// b 0.305
	// a 0.260
}

// Chunks keep their byte offsets into the document, so a citation can point
// at the exact span.
func ExampleChunker_Split() {
	doc := rag.Document{ID: "notes", Text: "BM25 ranks by shared words. It saturates term frequency. HNSW is a graph index. It answers queries in logarithmic time."}
	for _, c := range (rag.Chunker{Size: 9, Overlap: 4}).Split(doc) {
		fmt.Printf("%s [%d:%d] %q\n", c.ID, c.Start, c.End, c.Text)
	}
	// Output:
	// notes#0 [0:56] "BM25 ranks by shared words. It saturates term frequency."
	// notes#1 [28:79] "It saturates term frequency. HNSW is a graph index."
	// notes#2 [80:119] "It answers queries in logarithmic time."
}

// A Store indexes documents for hybrid retrieval; the extractive answerer
// quotes the best sentences with citations, and the offline verifier checks
// a claim.
func ExampleStore() {
	ctx := context.Background()
	docs := []rag.Document{
		{ID: "bm25.txt", Text: "BM25 ranks documents by the words they share with the query. The parameter b controls length normalisation."},
		{ID: "hnsw.txt", Text: "HNSW is a graph index for vector search. The beam width efSearch trades recall for speed."},
		{ID: "rrf.txt", Text: "Reciprocal rank fusion combines rankings without calibrating their scores."},
	}
	store, err := rag.NewStore(ctx, docs, rag.StoreOptions{Embedder: mustHashing(docs)})
	if err != nil {
		panic(err)
	}
	ev, _ := store.Search(ctx, "What does efSearch trade?", 2)
	ans, _ := rag.ExtractiveAnswerer{Sentences: 1}.Answer(ctx, "What does efSearch trade?", ev)
	fmt.Println(ans.Text)
	fmt.Println(ans.Citations[0])
	v, _ := rag.EvidenceVerifier{}.Verify(ctx, "Reciprocal rank fusion requires calibrated scores.", ev)
	fmt.Println(v.Verdict)
	// Output:
	// The beam width efSearch trades recall for speed. [1]
	// [1] hnsw.txt
	// NOT_ENOUGH_INFO
}

func mustHashing(docs []rag.Document) *rag.HashingEmbedder {
	var texts []string
	for _, d := range docs {
		texts = append(texts, d.Text)
	}
	h, err := rag.FitHashing(context.Background(), texts, 256, rag.Tokenizer{})
	if err != nil {
		panic(err)
	}
	return h
}

// Weighted reciprocal rank fusion of two rankings: d3, second in one list
// and first in the other, wins.
func ExampleHybrid() {
	lexical := fixed{{"d1", 12.5}, {"d3", 9.1}, {"d2", 3.0}}
	dense := fixed{{"d3", 0.91}, {"d4", 0.88}}
	h := rag.Hybrid{Retrievers: []rag.Retriever{lexical, dense}, Weights: []float64{0.7, 0.3}}
	hits, _ := h.Retrieve(context.Background(), "query", 3)
	for _, hit := range hits {
		fmt.Printf("%s %.5f\n", hit.ID, hit.Score)
	}
	// Output:
	// d3 0.01621
	// d1 0.01148
	// d2 0.01111
}

// fixed is a Retriever that returns the same ranking for every query.
type fixed []rag.Hit

func (f fixed) Retrieve(_ context.Context, _ string, k int) ([]rag.Hit, error) {
	return f[:min(k, len(f))], nil
}
