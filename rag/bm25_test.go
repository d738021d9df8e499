package rag

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestBM25HandComputed checks scores against the formula worked by hand:
// N = 3 documents of analysed lengths 3, 2 and 4 (avgdl = 3), k1 = 1.2,
// b = 0.75, query "cat dog".
//
//	"cat" occurs in d1 (tf 2) and d3 (tf 1): n = 2, idf = ln(1 + 1.5/2.5) = ln 1.6
//	"dog" occurs in d2 (tf 1) and d3 (tf 1): n = 2, idf = ln 1.6
//	d1: ln1.6 · 2/(2 + 1.2·(0.25 + 0.75·3/3))               = ln1.6 · 2/3.2
//	d2: ln1.6 · 1/(1 + 1.2·(0.25 + 0.75·2/3))               = ln1.6 · 1/1.9
//	d3: ln1.6 · 2 · 1/(1 + 1.2·(0.25 + 0.75·4/3))           = ln1.6 · 2/2.5
func TestBM25HandComputed(t *testing.T) {
	x := NewBM25()
	x.K1, x.B = 1.2, 0.75
	x.Tokenizer = Tokenizer{KeepStopWords: true, NoStem: true}
	err := x.Add(context.Background(), []string{"d1", "d2", "d3"}, []string{"cat cat fish", "dog bird", "cat dog fish bird"})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := x.Search("cat dog", 10)
	if err != nil {
		t.Fatal(err)
	}
	idf := math.Log(1.6)
	want := []Hit{{"d3", idf * 2 / 2.5}, {"d1", idf * 2 / 3.2}, {"d2", idf / 1.9}}
	if len(hits) != len(want) {
		t.Fatalf("hits %v", hits)
	}
	for i := range want {
		if hits[i].ID != want[i].ID || math.Abs(hits[i].Score-want[i].Score) > 1e-12 {
			t.Errorf("hit %d = %+v, want %+v", i, hits[i], want[i])
		}
	}
	// A repeated query term counts twice, as in Lucene's bag-of-words query.
	twice, _ := x.Search("cat cat", 1)
	once, _ := x.Search("cat", 1)
	if math.Abs(twice[0].Score-2*once[0].Score) > 1e-12 {
		t.Errorf("repeated term: %v vs %v", twice, once)
	}
}

func TestBM25BadInput(t *testing.T) {
	ctx := context.Background()
	x := NewBM25()
	if _, err := x.Search("anything", 5); !errors.Is(err, ErrEmptyIndex) {
		t.Errorf("empty index: %v", err)
	}
	if err := x.Add(ctx, []string{"a", "b"}, []string{"first text", "second text"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "   ", "the of and", "?!"} {
		if _, err := x.Search(q, 5); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("query %q: %v", q, err)
		}
	}
	if err := x.Add(ctx, []string{"c", "a"}, []string{"third", "again"}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate: %v", err)
	}
	if err := x.Add(ctx, []string{"d", "d"}, []string{"x", "y"}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate within a batch: %v", err)
	}
	if err := x.Add(ctx, []string{""}, []string{"x"}); !errors.Is(err, ErrFormat) {
		t.Errorf("empty id: %v", err)
	}
	if x.Len() != 2 {
		t.Errorf("a failed Add left %d documents, want 2", x.Len())
	}
	hits, err := x.Search("unknownword", 5)
	if err != nil || len(hits) != 0 {
		t.Errorf("out-of-vocabulary query: %v %v", hits, err)
	}
}
