package rag

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// clustered draws n vectors of dimension dim around `clusters` random
// centres inside a rank-r subspace plus a little full-rank noise: the low
// intrinsic dimension of real embeddings, which graph indexes exploit.
func clustered(n, dim, clusters, rank int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	basis := make([]float64, rank*dim)
	for i := range basis {
		basis[i] = rng.NormFloat64()
	}
	centres := make([][]float64, clusters)
	for c := range centres {
		centres[c] = make([]float64, rank)
		for j := range rank {
			centres[c][j] = 2 * rng.NormFloat64()
		}
	}
	out := make([][]float32, n)
	for i := range out {
		c := centres[rng.IntN(clusters)]
		v := make([]float32, dim)
		for j := range rank {
			z := c[j] + rng.NormFloat64()
			for d := range dim {
				v[d] += float32(z * basis[j*dim+d])
			}
		}
		for d := range v {
			v[d] += float32(0.5 * rng.NormFloat64())
		}
		out[i] = v
	}
	return out
}

func seqIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("v%d", i)
	}
	return ids
}

func TestFlatExact(t *testing.T) {
	n := 9000
	if testing.Short() {
		n = 3000
	}
	for _, m := range []Metric{Cosine, Dot} {
		vecs := clustered(n, 24, 20, 6, 1)
		f := NewFlat(24, m)
		if err := f.Add(seqIDs(len(vecs)), vecs); err != nil {
			t.Fatal(err)
		}
		q := vecs[17]
		hits, err := f.Search(q, 5)
		if err != nil {
			t.Fatal(err)
		}
		// Brute force in float64.
		qn := q
		if m == Cosine {
			qn, _ = prepare(q, 24, Cosine)
		}
		best, bestScore := "", math.Inf(-1)
		for i, v := range vecs {
			if m == Cosine {
				v, _ = prepare(v, 24, Cosine)
			}
			s := 0.0
			for d := range v {
				s += float64(v[d]) * float64(qn[d])
			}
			if s > bestScore {
				best, bestScore = fmt.Sprintf("v%d", i), s
			}
		}
		if hits[0].ID != best || math.Abs(hits[0].Score-bestScore) > 1e-4 {
			t.Errorf("%v: top hit %+v, brute force %s %v", m, hits[0], best, bestScore)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%v: hits not sorted: %v", m, hits)
			}
		}
	}
}

func recallAt10(t *testing.T, idx VectorIndex, exact *Flat, queries [][]float32) float64 {
	t.Helper()
	found := 0
	for _, q := range queries {
		want, err := exact.Search(q, 10)
		if err != nil {
			t.Fatal(err)
		}
		got, err := idx.Search(q, 10)
		if err != nil {
			t.Fatal(err)
		}
		truth := map[string]bool{}
		for _, h := range want {
			truth[h.ID] = true
		}
		for _, h := range got {
			if truth[h.ID] {
				found++
			}
		}
	}
	return float64(found) / float64(10*len(queries))
}

func TestHNSWRecall(t *testing.T) {
	n := 6000
	if testing.Short() {
		n = 1500
	}
	data := clustered(n+100, 64, 50, 12, 2)
	vecs, queries := data[:n], data[n:]
	for _, m := range []Metric{Cosine, Dot} {
		exact := NewFlat(64, m)
		h := NewHNSW(64, HNSWOptions{Metric: m, M: 12, EfConstruction: 100, EfSearch: 64, Seed: 3})
		if err := exact.Add(seqIDs(n), vecs); err != nil {
			t.Fatal(err)
		}
		if err := h.Add(seqIDs(n), vecs); err != nil {
			t.Fatal(err)
		}
		r := recallAt10(t, h, exact, queries)
		t.Logf("%v: recall@10 = %.3f", m, r)
		if r < 0.95 {
			t.Errorf("%v: recall@10 = %.3f < 0.95", m, r)
		}
	}
}

func TestHNSWDeterministicAndDelete(t *testing.T) {
	vecs := clustered(1500, 16, 10, 4, 4)
	build := func() *HNSW {
		h := NewHNSW(16, HNSWOptions{Seed: 9})
		if err := h.Add(seqIDs(1000), vecs[:1000]); err != nil {
			t.Fatal(err)
		}
		if err := h.Add(seqIDs(1500)[1000:], vecs[1000:]); err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := build(), build()
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := a.Save(pa); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(pb); err != nil {
		t.Fatal(err)
	}
	fa, _ := os.ReadFile(pa)
	fb, _ := os.ReadFile(pb)
	if !bytes.Equal(fa, fb) {
		t.Error("two builds with the same seed differ")
	}
	hits, _ := a.Search(vecs[5], 1)
	if hits[0].ID != "v5" {
		t.Fatalf("self search: %v", hits)
	}
	if err := a.Delete("v5"); err != nil {
		t.Fatal(err)
	}
	hits, _ = a.Search(vecs[5], 3)
	for _, h := range hits {
		if h.ID == "v5" {
			t.Error("deleted vector returned")
		}
	}
	if err := a.Delete("v5"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if a.Len() != 1499 {
		t.Errorf("Len = %d", a.Len())
	}
	if err := a.Add([]string{"v5"}, vecs[5:6]); err != nil {
		t.Errorf("re-adding a deleted id: %v", err)
	}
}

func TestVectorIndexBadInput(t *testing.T) {
	for _, idx := range []VectorIndex{NewFlat(3, Cosine), NewHNSW(3, HNSWOptions{})} {
		name := fmt.Sprintf("%T", idx)
		if _, err := idx.Search([]float32{1, 0, 0}, 3); !errors.Is(err, ErrEmptyIndex) {
			t.Errorf("%s empty: %v", name, err)
		}
		if err := idx.Add([]string{"a", "b"}, [][]float32{{1, 2, 3}, {1, 2}}); !errors.Is(err, ErrDimension) {
			t.Errorf("%s dimension: %v", name, err)
		}
		if err := idx.Add([]string{"a", "b"}, [][]float32{{1, 2, 3}, {0, 0, 0}}); !errors.Is(err, ErrZeroVector) {
			t.Errorf("%s zero vector: %v", name, err)
		}
		nan := float32(math.NaN())
		if err := idx.Add([]string{"a"}, [][]float32{{1, nan, 3}}); !errors.Is(err, ErrZeroVector) {
			t.Errorf("%s NaN: %v", name, err)
		}
		if err := idx.Add([]string{"a", "a"}, [][]float32{{1, 2, 3}, {3, 2, 1}}); !errors.Is(err, ErrDuplicateID) {
			t.Errorf("%s duplicate: %v", name, err)
		}
		if idx.Len() != 0 {
			t.Errorf("%s: failed Adds left %d vectors", name, idx.Len())
		}
		if err := idx.Add([]string{"a"}, [][]float32{{1, 2, 3}}); err != nil {
			t.Fatal(err)
		}
		if _, err := idx.Search([]float32{1, 2}, 1); !errors.Is(err, ErrDimension) {
			t.Errorf("%s query dimension: %v", name, err)
		}
		if _, err := idx.Search([]float32{0, 0, 0}, 1); !errors.Is(err, ErrZeroVector) {
			t.Errorf("%s zero query: %v", name, err)
		}
	}
}

func TestSaveLoadAndCorruption(t *testing.T) {
	vecs := clustered(300, 8, 5, 3, 5)
	ids := seqIDs(300)
	flat := NewFlat(8, Dot)
	hnsw := NewHNSW(8, HNSWOptions{M: 6, Seed: 1})
	for _, idx := range []VectorIndex{flat, hnsw} {
		if err := idx.Add(ids, vecs); err != nil {
			t.Fatal(err)
		}
	}
	if err := hnsw.Delete("v7"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, idx := range []VectorIndex{flat, hnsw} {
		path := filepath.Join(dir, fmt.Sprintf("%T.idx", idx))
		if err := idx.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := LoadIndex(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Len() != idx.Len() || back.Dim() != 8 {
			t.Errorf("%T: reloaded %d×%d", idx, back.Len(), back.Dim())
		}
		for _, q := range vecs[:20] {
			a, _ := idx.Search(q, 5)
			b, _ := back.Search(q, 5)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("%T: reloaded index answers %v, original %v", idx, b, a)
			}
		}
		data, _ := os.ReadFile(path)
		for _, bad := range [][]byte{data[:len(data)/2], data[:10], flipByte(data, len(data)/3), {}} {
			p := filepath.Join(dir, "bad")
			os.WriteFile(p, bad, 0o644)
			if _, err := LoadIndex(p); !errors.Is(err, ErrCorruptIndex) {
				t.Errorf("%T: corrupt file of %d bytes: %v", idx, len(bad), err)
			}
		}
	}
	// A failed save leaves neither a partial file nor a temporary one.
	if err := flat.Save(filepath.Join(dir, "missing", "x.idx")); err == nil {
		t.Error("save into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".idx" && e.Name() != "bad" {
			t.Errorf("stray file %s", e.Name())
		}
	}
}

func flipByte(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}

// FuzzDecodeIndex mutates saved indexes; the checksum is recomputed so the
// structural checks, not just the CRC, are exercised. Every input must load
// or fail with ErrCorruptIndex, and a loaded index must answer queries.
func FuzzDecodeIndex(f *testing.F) {
	vecs := clustered(40, 4, 3, 2, 6)
	for _, idx := range []VectorIndex{NewFlat(4, Cosine), NewHNSW(4, HNSWOptions{M: 3, Seed: 2})} {
		idx.Add(seqIDs(40), vecs)
		path := filepath.Join(f.TempDir(), "seed")
		if err := idx.Save(path); err != nil {
			f.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		f.Add(data[:len(data)-4])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		data := binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.Checksum(body, castagnoli))
		idx, err := decodeIndex(data)
		if err != nil {
			if !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("error kind: %v", err)
			}
			return
		}
		q := make([]float32, idx.Dim())
		q[0] = 1
		if _, err := idx.Search(q, 3); err != nil && !errors.Is(err, ErrEmptyIndex) {
			t.Fatalf("search on a loaded index: %v", err)
		}
	})
}
