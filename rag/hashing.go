package rag

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
)

// HashingEmbedder is TF–IDF weighted feature hashing (Weinberger et al.,
// 2009): each term is hashed to one of Dim coordinates with a hashed sign,
// weighted (1 + ln tf) · idf, and the vector is scaled to unit length. Inner
// products then approximate TF–IDF cosine similarity, with collisions adding
// noise of order 1/√Dim. It is a lexical model in dense clothing: it shares
// BM25's blind spot for synonyms, but it needs no SVD and embeds one text in
// microseconds.
//
// A HashingEmbedder is safe for concurrent use.
type HashingEmbedder struct {
	dim     int
	tok     Tokenizer
	idf     map[string]float64
	unknown float64
}

// FitHashing computes the corpus' IDF weights for a hashing embedder of
// dimension dim (a power of two is customary; 4096 keeps collisions rare for
// short texts). Terms unseen in the corpus get the largest IDF.
func FitHashing(ctx context.Context, texts []string, dim int, tok Tokenizer) (*HashingEmbedder, error) {
	if dim <= 0 {
		panic(fmt.Sprintf("rag: FitHashing dimension %d", dim))
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("%w: hashing embedder needs documents for its IDF", ErrEmptyIndex)
	}
	sets := make([]map[string]bool, len(texts))
	if err := parallelFor(ctx, len(texts), func(i int) {
		m := map[string]bool{}
		tok.each(texts[i], func(t string, _, _ int) { m[t] = true })
		sets[i] = m
	}); err != nil {
		return nil, err
	}
	df := map[string]int{}
	for _, m := range sets {
		for t := range m {
			df[t]++
		}
	}
	n := float64(len(texts))
	h := &HashingEmbedder{dim: dim, tok: tok, idf: make(map[string]float64, len(df)), unknown: math.Log(n + 1)}
	for t, d := range df {
		h.idf[t] = math.Log((n + 1) / float64(d))
	}
	return h, nil
}

// Dim returns the embedding dimension.
func (h *HashingEmbedder) Dim() int { return h.dim }

// Embed returns unit-length hashed TF–IDF vectors; a text without terms
// embeds to the zero vector.
func (h *HashingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	err := parallelFor(ctx, len(texts), func(i int) {
		tf := map[string]int{}
		h.tok.each(texts[i], func(t string, _, _ int) { tf[t]++ })
		v := make([]float32, h.dim)
		for t, c := range tf {
			idf, ok := h.idf[t]
			if !ok {
				idf = h.unknown
			}
			x := termHash(t)
			w := float32((1 + math.Log(float64(c))) * idf)
			if x>>63 == 1 {
				w = -w
			}
			v[x%uint64(h.dim)] += w
		}
		normalize(v)
		out[i] = v
	})
	return out, err
}

// termHash is 64-bit FNV-1a: fixed across processes, so vectors saved in an
// index stay comparable with queries embedded later.
func termHash(t string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(t))
	return h.Sum64()
}
