package rag

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
)

func TestLoadShippedPDFs(t *testing.T) {
	docs, err := LoadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 {
		t.Fatalf("loaded %d documents, want the 3 shipped notes", len(docs))
	}
	want := map[string][]string{
		"lexical_retrieval_notes.pdf": {"Okapi BM25", "Stemming maps inflected words"},
		"vector_search_notes.pdf":     {"Hierarchical navigable small world graphs", "A zero vector has no direction"},
		"rag_evaluation_notes.pdf":    {"Mean reciprocal rank", "Reciprocal rank fusion combines"},
	}
	for _, d := range docs {
		if len(d.Pages) != 2 {
			t.Errorf("%s: %d pages, want 2", d.ID, len(d.Pages))
		}
		for i, p := range d.Pages {
			if p.Number != i+1 || p.Start > p.End || p.End > len(d.Text) || (i > 0 && p.Start < d.Pages[i-1].End) {
				t.Errorf("%s: bad page span %+v", d.ID, p)
			}
		}
		for i, phrase := range want[d.ID] {
			off := strings.Index(d.Text, phrase)
			if off < 0 {
				t.Errorf("%s: %q not extracted", d.ID, phrase)
				continue
			}
			if got := d.PageAt(off); got != i+1 {
				t.Errorf("%s: %q on page %d, want %d", d.ID, phrase, got, i+1)
			}
		}
		if d.Meta["title"] == "" || d.Meta["format"] != "pdf" {
			t.Errorf("%s: meta %v", d.ID, d.Meta)
		}
	}
}

func TestBadPDFs(t *testing.T) {
	good, err := os.ReadFile("testdata/vector_search_notes.pdf")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile("testdata/bad/encrypted.pdf")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"encrypted", enc, ErrEncrypted},
		{"empty", nil, ErrPDF},
		{"not a PDF", []byte("hello, this is plain text and not a PDF at all"), ErrPDF},
		{"truncated half", good[:len(good)/2], ErrPDF},
		{"truncated tail", good[:len(good)-10], ErrPDF},
		{"header only", []byte("%PDF-1.4\n%%EOF\n"), ErrPDF},
		{"zeroed xref", bytes.ReplaceAll(good, []byte("xref"), []byte("xxxx")), ErrPDF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadPDF(bytes.NewReader(c.data), int64(len(c.data)), c.name)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestLoadSharedPapers(t *testing.T) {
	dir, err := datasets.Path("papers")
	if err != nil {
		t.Skip("no ../shared/data/papers:", err)
	}
	pages := map[string]int{
		"vaswani2017_attention_is_all_you_need_1706.03762v5.pdf": 15,
		"hu2021_lora_2106.09685v2.pdf":                           26,
		"kipf2017_gcn_1609.02907v4.pdf":                          14,
		"goodfellow2015_fgsm_1412.6572v3.pdf":                    11,
	}
	for name, n := range pages {
		d, err := LoadPDF(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		words := len(strings.Fields(d.Text))
		// pdftotext finds 6k–14k words in these papers.
		if len(d.Pages) != n || words < 5000 {
			t.Errorf("%s: %d pages (want %d), %d words", name, len(d.Pages), n, words)
		}
	}
	d, err := LoadPDF(filepath.Join(dir, "vaswani2017_attention_is_all_you_need_1706.03762v5.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, phrase := range []string{"Attention Is All You Need", "The dominant sequence transduction models", "multi-head attention"} {
		if !strings.Contains(d.Text, phrase) {
			t.Errorf("%q not extracted with its spaces", phrase)
		}
	}
}

func TestReadMarkdownKeepsOffsets(t *testing.T) {
	src := "# Retrieval *notes*\n\nSee [BM25](https://example.org/bm25 \"x\") and <b>HNSW</b>.\n## Second\n`code` here\n"
	d, err := ReadMarkdown(strings.NewReader(src), "n.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Text) != len(src) {
		t.Fatalf("length %d, want %d (offsets must match the file)", len(d.Text), len(src))
	}
	if d.Meta["title"] != "Retrieval *notes*" {
		t.Errorf("title %q", d.Meta["title"])
	}
	for _, gone := range []string{"#", "*", "https", "<b>", "`"} {
		if strings.Contains(d.Text, gone) {
			t.Errorf("%q left in %q", gone, d.Text)
		}
	}
	if i := strings.Index(src, "HNSW"); d.Text[i:i+4] != "HNSW" {
		t.Errorf("HNSW moved")
	}
}

func TestReadTextRejectsInvalidUTF8(t *testing.T) {
	_, err := ReadText(strings.NewReader("ok\xffbad"), "x.txt")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "byte 2") {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadFile("x.docx"); !errors.Is(err, ErrFormat) {
		t.Fatalf("unsupported extension: err = %v", err)
	}
}

// FuzzReadPDF feeds mutated PDFs to the loader: every input must give a
// document or an ErrPDF/ErrEncrypted error, never a panic or a hang.
func FuzzReadPDF(f *testing.F) {
	for _, name := range []string{"testdata/lexical_retrieval_notes.pdf", "testdata/bad/encrypted.pdf"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 1 >> endobj\ntrailer << /Root << /Pages 1 0 R >> >>\nstartxref\n9\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadPDF(bytes.NewReader(data), int64(len(data)), "fuzz.pdf")
		if err != nil {
			if !errors.Is(err, ErrPDF) && !errors.Is(err, ErrEncrypted) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, p := range d.Pages {
			if p.Start < 0 || p.End > len(d.Text) || p.Start > p.End {
				t.Fatalf("bad page %+v for %d bytes", p, len(d.Text))
			}
		}
	})
}
