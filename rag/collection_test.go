package rag

import (
	"compress/gzip"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/mlprep/mlprep/internal/datasets"
)

func writeFile(t *testing.T, path, content string, gz bool) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if gz {
		w := gzip.NewWriter(f)
		w.Write([]byte(content))
		w.Close()
		return
	}
	f.WriteString(content)
}

func TestLoadBEIR(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "corpus.jsonl.gz"), `{"_id": "d1", "title": "Cats", "text": "Cats purr."}
{"_id": "d2", "title": "", "text": "Dogs bark."}
`, true)
	writeFile(t, filepath.Join(dir, "queries.jsonl"), `{"_id": "q1", "text": "do cats purr"}
{"_id": "q2", "text": "unjudged"}
`, false)
	writeFile(t, filepath.Join(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n", false)
	c, err := LoadBEIR(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Corpus) != 2 || c.Corpus[0].Text != "Cats\nCats purr." || c.Corpus[1].Text != "Dogs bark." || len(c.Queries) != 1 || c.Qrels["q1"]["d1"] != 1 {
		t.Errorf("collection %+v", c)
	}
	bad := []struct{ file, content, want string }{
		{"qrels/test.tsv", "q1\tnope\t1\n", "unknown document"},
		{"qrels/test.tsv", "q1\td1\tx\n", "not an integer"},
		{"qrels/test.tsv", "q1\td1\n", "wrong number of fields"},
		{"queries.jsonl", `{"_id": "q1", "text": "a"}` + "\n" + `{"_id": "q1", "text": "b"}`, "duplicate"},
		{"queries.jsonl", `{"text": "no id"}`, "missing"},
		{"queries.jsonl", `{"_id": "q1", "text": "a"`, "queries.jsonl:1"},
	}
	for _, b := range bad {
		d := t.TempDir()
		for _, f := range []string{"corpus.jsonl.gz", "queries.jsonl", filepath.Join("qrels", "test.tsv")} {
			data, _ := os.ReadFile(filepath.Join(dir, f))
			writeFile(t, filepath.Join(d, f), string(data), false)
		}
		writeFile(t, filepath.Join(d, b.file), b.content, false)
		if _, err := LoadBEIR(d, "test"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s = %q: err %v, want %q", b.file, b.content, err, b.want)
		}
	}
}

func TestLoadCISI(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "CISI.ALL"), ".I 1\n.T\nLibrary catalogues\n.A\nSmith, J.\n.W\nCatalogues list books.\nMore text.\n.X\n1\t5\t1\n.I 2\n.T \nIndexing\n.W\nAutomatic indexing of documents.\n", false)
	writeFile(t, filepath.Join(dir, "CISI.QRY"), ".I 1\n.W\nHow are books catalogued?\n.I 2\n.W\nUnjudged query.\n", false)
	writeFile(t, filepath.Join(dir, "CISI.REL"), "     1     1\t0\t0.000000\n", false)
	c, err := LoadCISI(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Corpus) != 2 || c.Corpus[0].Text != "Library catalogues\nCatalogues list books.\nMore text." || len(c.Queries) != 1 || c.Qrels["1"]["1"] != 1 {
		t.Errorf("collection %+v", c)
	}
	writeFile(t, filepath.Join(dir, "CISI.REL"), "1 9 0 0.0\n", false)
	if _, err := LoadCISI(dir); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown document: %v", err)
	}
}

// TestLSAMatchesExactSVD compares the randomised SVD's singular values with
// gonum's exact SVD of the same weighted matrix.
func TestLSAMatchesExactSVD(t *testing.T) {
	var texts []string
	words := strings.Fields("cat dog fish bird tree leaf root stem seed rain snow wind cloud river lake sea")
	for i := range 60 {
		var b strings.Builder
		for j := range 12 {
			b.WriteString(words[(i*7+j*j+i*j)%len(words)] + " ")
		}
		texts = append(texts, b.String())
	}
	l, err := FitLSA(context.Background(), texts, LSAOptions{Dim: 5, PowerIters: 3, Seed: 1, Tokenizer: Tokenizer{NoStem: true}})
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewDense(len(texts), len(l.idf), nil)
	for i, text := range texts {
		m := map[string]int32{}
		l.tok.each(text, func(term string, _, _ int) { m[term]++ })
		idx, val := l.weigh(m)
		for j, c := range idx {
			a.Set(i, int(c), val[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		t.Fatal("SVD failed")
	}
	exact := svd.Values(nil)
	for i, s := range l.Singular {
		if math.Abs(s-exact[i]) > 1e-6*exact[0] {
			t.Errorf("σ%d = %v, exact %v", i+1, s, exact[i])
		}
	}
	if _, err := FitLSA(context.Background(), nil, LSAOptions{}); !errors.Is(err, ErrEmptyIndex) {
		t.Errorf("empty corpus: %v", err)
	}
	vecs, _ := l.Embed(context.Background(), []string{"zebra"})
	for _, x := range vecs[0] {
		if x != 0 {
			t.Fatalf("unknown word embeds to %v, want the zero vector", vecs[0])
		}
	}
}

// TestBEIRQuality reproduces the published BM25 numbers on the real data:
// Anserini's flat BM25 reaches nDCG@10 0.679 on SciFact; CISI's target is
// 0.355. SciFact and the dense and hybrid rows run outside -short.
func TestBEIRQuality(t *testing.T) {
	sci, err1 := datasets.Path("beir-scifact")
	cisi, err2 := datasets.Path("cisi")
	if err1 != nil || err2 != nil {
		t.Skip("no ../shared/data/beir-scifact or cisi")
	}
	ctx := context.Background()
	test, err := LoadBEIR(sci, "test")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := LoadCISI(cisi)
	if err != nil {
		t.Fatal(err)
	}
	if len(test.Corpus) != 5183 || len(test.Queries) != 300 || len(ci.Corpus) != 1460 || len(ci.Queries) != 76 {
		t.Fatalf("sizes: scifact %d/%d, cisi %d/%d", len(test.Corpus), len(test.Queries), len(ci.Corpus), len(ci.Queries))
	}
	targets := []struct {
		col  *Collection
		want float64
	}{{ci, 0.355}, {test, 0.675}}
	if testing.Short() {
		targets = targets[:1] // SciFact's 8 MB take long under -race
	}
	for _, c := range targets {
		ids := make([]string, len(c.col.Corpus))
		texts := make([]string, len(c.col.Corpus))
		for i, d := range c.col.Corpus {
			ids[i], texts[i] = d.ID, d.Text
		}
		x := NewBM25()
		if err := x.Add(ctx, ids, texts); err != nil {
			t.Fatal(err)
		}
		s, err := Evaluate(ctx, x, c.col)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s BM25: nDCG@10 %.4f, Recall@100 %.4f, MRR@10 %.4f", c.col.Name, s.NDCG10, s.Recall100, s.MRR10)
		if s.NDCG10 < c.want {
			t.Errorf("%s BM25 nDCG@10 = %.4f < %.3f", c.col.Name, s.NDCG10, c.want)
		}
	}
	if testing.Short() {
		return
	}
	ix, err := IndexCollection(ctx, ci, nil, LSAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bm, _ := Evaluate(ctx, ix.BM25, ci)
	rrf, _ := Evaluate(ctx, Hybrid{Retrievers: []Retriever{ix.BM25, ix.Dense}}, ci)
	t.Logf("CISI: BM25 %.4f, plain RRF with LSA %.4f", bm.NDCG10, rrf.NDCG10)
	if rrf.NDCG10 < bm.NDCG10+0.02 {
		t.Errorf("CISI plain RRF %.4f does not beat BM25 %.4f by 0.02", rrf.NDCG10, bm.NDCG10)
	}
}
