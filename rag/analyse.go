package rag

import "context"

// termCounts is one text after analysis: its distinct terms in the order
// first seen, how often each occurs, and the text's length in terms.
type termCounts struct {
	terms []string
	tfs   []int32
	n     int32
}

// analyse tokenises one text into term counts.
func (t Tokenizer) analyse(text string) termCounts {
	// About one distinct term per 12 bytes of English prose: sizing the map
	// up front saves rehashing it as it grows.
	counts := make(map[string]int32, len(text)/12)
	var tc termCounts
	t.each(text, func(term string, _, _ int) {
		if counts[term] == 0 {
			tc.terms = append(tc.terms, term)
		}
		counts[term]++
		tc.n++
	})
	tc.tfs = make([]int32, len(tc.terms))
	for j, term := range tc.terms {
		tc.tfs[j] = counts[term]
	}
	return tc
}

// analyseAll analyses texts in parallel. Tokenising is the dearest step of
// indexing, so IndexCollection does it once for BM25 and the LSA fit.
func (t Tokenizer) analyseAll(ctx context.Context, texts []string) ([]termCounts, error) {
	out := make([]termCounts, len(texts))
	err := parallelFor(ctx, len(texts), func(i int) { out[i] = t.analyse(texts[i]) })
	return out, err
}
