package rag

import (
	"context"
	"fmt"
)

// Store is the retrieval half of RAG over a set of documents: the documents
// cut into chunks, a BM25 index and a vector index over the chunks, and
// their weighted fusion. Search returns evidence that answerers cite.
// A Store is read-only once built and safe for concurrent use.
type Store struct {
	docs   map[string]Document
	chunks []Chunk
	byID   map[string]int
	// BM25, Dense and Hybrid are the three retrievers over chunk IDs, for
	// evaluation or direct use.
	BM25   *BM25
	Dense  DenseRetriever
	Hybrid Hybrid
}

// StoreOptions configure NewStore; the zero value is usable.
type StoreOptions struct {
	// Chunker cuts documents (zero value: 200-word windows, 40 overlap).
	Chunker Chunker
	// Embedder embeds chunks and queries; nil fits an LSA (256 dimensions)
	// on the chunks.
	Embedder Embedder
	// NewIndex makes the vector index for a dimension; nil uses an exact
	// Flat cosine index.
	NewIndex func(dim int) VectorIndex
	// LexicalWeight is BM25's weight in the fusion, the dense side getting
	// 1 − LexicalWeight; 0 means DefaultLexicalWeight.
	LexicalWeight float64
}

// DefaultLexicalWeight leans the fusion on BM25. Tuned on SciFact's
// training queries with the local LSA embedder, the best weight is 1 (BM25
// alone; BENCHMARKS.md has the sweep), because LSA is much weaker than BM25
// on rare-term claims; on CISI, where vocabulary differs between queries and
// documents, the dense side helps at any weight. 0.9 keeps the vector index
// in play at a cost of about 0.01 nDCG@10 on SciFact. A trained embedding
// model through OpenAIEmbedder deserves a weight near 0.5.
const DefaultLexicalWeight = 0.9

// NewStore chunks docs and indexes the chunks. Documents must have unique,
// non-empty IDs; a corpus without any words returns ErrEmptyIndex.
func NewStore(ctx context.Context, docs []Document, opt StoreOptions) (*Store, error) {
	s := &Store{docs: map[string]Document{}, byID: map[string]int{}}
	for _, d := range docs {
		if d.ID == "" {
			return nil, fmt.Errorf("%w: document without id", ErrFormat)
		}
		if _, dup := s.docs[d.ID]; dup {
			return nil, fmt.Errorf("%w: document %q", ErrDuplicateID, d.ID)
		}
		s.docs[d.ID] = d
		for _, c := range opt.Chunker.Split(d) {
			s.byID[c.ID] = len(s.chunks)
			s.chunks = append(s.chunks, c)
		}
	}
	if len(s.chunks) == 0 {
		return nil, fmt.Errorf("%w: no text in %d documents", ErrEmptyIndex, len(docs))
	}
	ids := make([]string, len(s.chunks))
	texts := make([]string, len(s.chunks))
	for i, c := range s.chunks {
		ids[i], texts[i] = c.ID, c.Text
	}
	s.BM25 = NewBM25()
	if err := s.BM25.Add(ctx, ids, texts); err != nil {
		return nil, err
	}
	emb, vecs, err := embedCorpus(ctx, opt.Embedder, texts, LSAOptions{})
	if err != nil {
		return nil, err
	}
	var index VectorIndex
	if opt.NewIndex != nil {
		index = opt.NewIndex(len(vecs[0]))
	} else {
		index = NewFlat(len(vecs[0]), Cosine)
	}
	if err := addDirectional(index, ids, vecs); err != nil {
		return nil, err
	}
	s.Dense = DenseRetriever{Embedder: emb, Index: index}
	w := opt.LexicalWeight
	if w == 0 {
		w = DefaultLexicalWeight
	}
	s.Hybrid = Hybrid{Retrievers: []Retriever{s.BM25, s.Dense}, Weights: []float64{w, 1 - w}}
	return s, nil
}

// Chunks returns the number of indexed chunks.
func (s *Store) Chunks() int { return len(s.chunks) }

// Evidence is a retrieved chunk with its fused score and 1-based rank.
type Evidence struct {
	Chunk
	Score float64
	Rank  int
}

// Search returns the k best chunks for query by hybrid retrieval.
func (s *Store) Search(ctx context.Context, query string, k int) ([]Evidence, error) {
	hits, err := s.Hybrid.Retrieve(ctx, query, k)
	if err != nil {
		return nil, err
	}
	out := make([]Evidence, len(hits))
	for i, h := range hits {
		out[i] = Evidence{Chunk: s.chunks[s.byID[h.ID]], Score: h.Score, Rank: i + 1}
	}
	return out, nil
}

// Retrieve implements Retriever over chunk IDs, for tools and evaluation.
func (s *Store) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	return s.Hybrid.Retrieve(ctx, query, k)
}

// Document returns a stored document by ID.
func (s *Store) Document(id string) (Document, bool) {
	d, ok := s.docs[id]
	return d, ok
}
