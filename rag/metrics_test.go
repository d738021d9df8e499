package rag

import (
	"context"
	"math"
	"testing"
)

func TestRankingMetrics(t *testing.T) {
	grades := map[string]int{"a": 1, "b": 2, "z": 1}
	ranked := []string{"x", "b", "y", "a"}
	// DCG = 2/log2(3) + 1/log2(5); ideal = 2/log2(2) + 1/log2(3) + 1/log2(4).
	dcg := 2/math.Log2(3) + 1/math.Log2(5)
	idcg := 2 + 1/math.Log2(3) + 0.5
	cases := []struct {
		name string
		got  float64
		want float64
	}{
		{"nDCG@10", NDCG(ranked, grades, 10), dcg / idcg},
		{"nDCG@2", NDCG(ranked, grades, 2), (2 / math.Log2(3)) / (2 + 1/math.Log2(3))},
		{"Recall@4", Recall(ranked, grades, 4), 2.0 / 3},
		{"Recall@1", Recall(ranked, grades, 1), 0},
		{"RR@10", ReciprocalRank(ranked, grades, 10), 0.5},
		{"RR@1", ReciprocalRank(ranked, grades, 1), 0},
		{"no relevant", NDCG(ranked, map[string]int{"q": 0}, 10), 0},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestFuseAndEvaluate(t *testing.T) {
	a := []Hit{{"d1", 9}, {"d2", 8}, {"d3", 7}}
	b := []Hit{{"d3", 0.9}, {"d4", 0.8}}
	got := fuse([][]Hit{a, b}, []float64{0.75, 0.25}, 60, 10)
	want := map[string]float64{
		"d1": 0.75 / 61, "d2": 0.75 / 62, "d3": 0.75/63 + 0.25/61, "d4": 0.25 / 62,
	}
	order := []string{"d3", "d1", "d2", "d4"}
	for i, h := range got {
		if h.ID != order[i] || math.Abs(h.Score-want[h.ID]) > 1e-15 {
			t.Errorf("fused %d = %+v, want %s %v", i, h, order[i], want[order[i]])
		}
	}
	c := &Collection{
		Queries: []Query{{"q1", "cat"}, {"q2", "dog"}},
		Qrels:   Qrels{"q1": {"d1": 1}, "q2": {"d2": 1, "d3": 1}},
	}
	x := NewBM25()
	if err := x.Add(context.Background(), []string{"d1", "d2", "d3"}, []string{"a cat", "a dog", "cats and birds"}); err != nil {
		t.Fatal(err)
	}
	s, err := Evaluate(context.Background(), x, c)
	if err != nil {
		t.Fatal(err)
	}
	// q1 finds d1 then d3 (stemmed "cats"): nDCG 1; q2 finds d2 only:
	// nDCG = 1/(1 + 1/log2 3), recall 1/2.
	if want := (1 + 1/(1+1/math.Log2(3))) / 2; math.Abs(s.NDCG10-want) > 1e-12 || s.Recall100 != 0.75 || s.MRR10 != 1 {
		t.Errorf("scores %+v, want nDCG %v, recall 0.75, MRR 1", s, want)
	}
}
