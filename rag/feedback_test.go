package rag

import (
	"context"
	"errors"
	"math"
	"testing"
)

// vectorsByText is an Embedder that looks texts up in a table; unknown
// texts embed to zero.
type vectorsByText map[string][]float32

func (m vectorsByText) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = m[t]
		if out[i] == nil {
			out[i] = make([]float32, 3)
		}
	}
	return out, nil
}

// lexical is a Retriever that returns a fixed ranking, or ErrEmptyQuery
// when it is empty.
type lexical []Hit

func (l lexical) Retrieve(_ context.Context, query string, k int) ([]Hit, error) {
	if len(l) == 0 {
		return nil, ErrEmptyQuery
	}
	return l[:min(k, len(l))], nil
}

func TestFeedback(t *testing.T) {
	ctx := context.Background()
	index := NewFlat(3, Cosine)
	if err := index.Add([]string{"a", "b", "c"}, [][]float32{{0, 1, 0}, {0, 0.9, 0.1}, {0.8, -0.6, 0}}); err != nil {
		t.Fatal(err)
	}
	emb := vectorsByText{"q": {2, 0, 0}}
	dense := DenseRetriever{Embedder: emb, Index: index}
	// The query alone is nearest to c; with a's vector fed back,
	// q' = (1, 1, 0): a scores 1/√2, b 0.9/(√2·‖b‖), c 0.2/√2.
	b := 0.9 / math.Sqrt(2*(0.81+0.01))
	for _, c := range []struct {
		name  string
		first lexical
		query string
		order []string
		top   float64
		err   error
	}{
		{"feedback", lexical{{"a", 3}, {"c", 1}}, "q", []string{"a", "b", "c"}, 1 / math.Sqrt2, nil},
		{"first finds nothing", nil, "q", []string{"c", "a", "b"}, 0.8, nil}, // a and b tie at 0
		{"query embeds to zero", lexical{{"a", 3}}, "unknown", []string{"a", "b", "c"}, 1, nil},
		{"nothing at all", nil, "unknown", nil, 0, ErrEmptyQuery},
	} {
		hits, err := Feedback{Dense: dense, First: c.first, Docs: 1}.Retrieve(ctx, c.query, 3)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			continue
		}
		if len(hits) != len(c.order) {
			t.Errorf("%s: %d hits, want %d", c.name, len(hits), len(c.order))
			continue
		}
		for i, h := range hits {
			if h.ID != c.order[i] {
				t.Errorf("%s: hit %d is %s, want %s", c.name, i, h.ID, c.order[i])
			}
		}
		if len(hits) > 0 && math.Abs(hits[0].Score-c.top) > 1e-6 {
			t.Errorf("%s: top score %v, want %v", c.name, hits[0].Score, c.top)
		}
		if c.name == "feedback" && math.Abs(hits[1].Score-b) > 1e-6 {
			t.Errorf("feedback: b scores %v, want %v", hits[1].Score, b)
		}
	}
	if f, ok := (Feedback{Dense: dense}).ScoreFloor(); !ok || f != -1 {
		t.Errorf("ScoreFloor = %v, %v; want -1, true", f, ok)
	}
}
