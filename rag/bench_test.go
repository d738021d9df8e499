package rag

import (
	"context"
	"os"
	"strings"
	"testing"
)

func benchVectors(b *testing.B, n, dim int) ([]string, [][]float32) {
	b.Helper()
	return seqIDs(n), clustered(n, dim, 100, 32, 1)
}

func BenchmarkFlatSearch20k(b *testing.B) {
	ids, vecs := benchVectors(b, 20000, 384)
	f := NewFlat(384, Cosine)
	f.Add(ids, vecs)
	b.ResetTimer()
	for i := range b.N {
		f.Search(vecs[i%len(vecs)], 10)
	}
}

func BenchmarkHNSWSearch20k(b *testing.B) {
	ids, vecs := benchVectors(b, 20000, 384)
	h := NewHNSW(384, HNSWOptions{EfConstruction: 64, Seed: 1})
	h.Add(ids, vecs)
	b.ResetTimer()
	for i := range b.N {
		h.SearchEf(vecs[i%len(vecs)], 10, 32)
	}
}

func BenchmarkHNSWBuild5k(b *testing.B) {
	ids, vecs := benchVectors(b, 5000, 384)
	b.ResetTimer()
	for range b.N {
		NewHNSW(384, HNSWOptions{EfConstruction: 100, Seed: 1}).Add(ids, vecs)
	}
}

func BenchmarkBM25Search(b *testing.B) {
	words := strings.Fields("retrieval ranking index vector graph query document term frequency length norm stem stop word score fusion rank dense sparse embed chunk")
	ids := seqIDs(5000)
	texts := make([]string, len(ids))
	for i := range texts {
		var sb strings.Builder
		for j := range 120 {
			sb.WriteString(words[(i*31+j*j)%len(words)] + " ")
		}
		texts[i] = sb.String()
	}
	x := NewBM25()
	x.Add(context.Background(), ids, texts)
	b.ResetTimer()
	for range b.N {
		x.Search("dense vector retrieval with graph index", 10)
	}
}

func BenchmarkTokenize(b *testing.B) {
	text := strings.Repeat("Hierarchical navigable small world graphs answer approximate nearest neighbour queries in logarithmic time. ", 50)
	b.SetBytes(int64(len(text)))
	for range b.N {
		Tokenizer{}.Tokens(text)
	}
}

func BenchmarkReadPDF(b *testing.B) {
	data, err := os.ReadFile("testdata/lexical_retrieval_notes.pdf")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, err := ReadPDF(strings.NewReader(string(data)), int64(len(data)), "x"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLSAEmbed(b *testing.B) {
	words := strings.Fields("retrieval ranking index vector graph query document term frequency length norm stem stop word score fusion rank dense sparse embed chunk")
	texts := make([]string, 2000)
	for i := range texts {
		var sb strings.Builder
		for j := range 60 {
			sb.WriteString(words[(i*17+j*j*3)%len(words)] + " ")
		}
		texts[i] = sb.String()
	}
	l, err := FitLSA(context.Background(), texts, LSAOptions{Dim: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		l.Embed(context.Background(), texts[:100])
	}
}
