package rag

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
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

// BenchmarkHNSWBuild20k is the build of scripts/bench/rag.sh at a fifth of
// its size (1,000 clusters of rank 48 there): large enough for full
// neighbour lists, so link pruning costs what it costs at 100,000.
func BenchmarkHNSWBuild20k(b *testing.B) {
	ids, vecs := seqIDs(20000), clustered(20000, 384, 1000, 48, 1)
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

// BenchmarkIngestSciFact indexes the SciFact corpus as IndexCollection does
// (BM25, LSA fit, corpus vectors, Flat index); bytes are the corpus text.
func BenchmarkIngestSciFact(b *testing.B) {
	dir, err := datasets.Path("beir-scifact")
	if err != nil {
		b.Skip("no ../shared/data/beir-scifact")
	}
	c, err := LoadBEIR(dir, "test")
	if err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, d := range c.Corpus {
		size += len(d.Text)
	}
	b.SetBytes(int64(size))
	for range b.N {
		if _, err := IndexCollection(context.Background(), c, nil, LSAOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
