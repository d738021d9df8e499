package rag

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestTokenizer(t *testing.T) {
	cases := []struct {
		tok  Tokenizer
		in   string
		want []string
	}{
		{Tokenizer{}, "The runners' running shoes", []string{"runner", "run", "shoe"}},
		{Tokenizer{}, "Don't split 3.5 or 12,288 GPUs", []string{"don't", "split", "3.5", "12,288", "gpus"}},
		{Tokenizer{}, "encoder-decoder (ReLU)!", []string{"encod", "decod", "relu"}},
		{Tokenizer{}, "Müller's café naïve", []string{"müller", "café", "naïv"}},
		{Tokenizer{NoStem: true}, "Retrieving documents", []string{"retrieving", "documents"}},
		{Tokenizer{KeepStopWords: true, NoStem: true}, "the cat is not here", []string{"the", "cat", "is", "not", "here"}},
		{Tokenizer{}, "... --- !!!", nil},
		{Tokenizer{}, "the and of", nil},
	}
	for _, c := range cases {
		if got := c.tok.Tokens(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v %q: got %q, want %q", c.tok, c.in, got, c.want)
		}
	}
	spans := Tokenizer{}.Spans("Fast retrieval.")
	if len(spans) != 2 || spans[1].Start != 5 || spans[1].End != 14 {
		t.Errorf("spans %+v", spans)
	}
}

func TestSentences(t *testing.T) {
	text := "BM25 is a ranking function, e.g. in Lucene. It was proposed by S. Robertson et al. in 1994. Does it work? Yes!\n\nA new paragraph without a period\nstill ends here"
	var got []string
	for _, s := range Sentences(text) {
		got = append(got, text[s.Start:s.End])
	}
	want := []string{
		"BM25 is a ranking function, e.g. in Lucene.",
		"It was proposed by S. Robertson et al. in 1994.",
		"Does it work?",
		"Yes!",
		"A new paragraph without a period\nstill ends here",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestChunkerOffsetsAndOverlap(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("Some " + strings.Repeat("word ", 2+i%7))
		b.WriteString("end. ")
	}
	d := Document{ID: "d", Text: b.String(), Pages: []Page{{1, 0, b.Len() / 2}, {2, b.Len() / 2, b.Len()}}}
	chunks := Chunker{Size: 30, Overlap: 8}.Split(d)
	if len(chunks) < 5 {
		t.Fatalf("%d chunks", len(chunks))
	}
	overlapped := 0
	for i, c := range chunks {
		if c.Text != d.Text[c.Start:c.End] {
			t.Fatalf("chunk %d text differs from its span", i)
		}
		if n := len(Tokenizer{KeepStopWords: true, NoStem: true}.Tokens(c.Text)); n > 30 {
			t.Errorf("chunk %d has %d words > 30", i, n)
		}
		if !strings.HasSuffix(c.Text, "end.") {
			t.Errorf("chunk %d cuts a sentence: %q", i, c.Text)
		}
		if c.Page != d.PageAt(c.Start) || c.LastPage != d.PageAt(c.End-1) {
			t.Errorf("chunk %d pages %d-%d", i, c.Page, c.LastPage)
		}
		if i > 0 {
			prev := chunks[i-1]
			gap := ""
			if c.Start > prev.End {
				gap = strings.TrimSpace(d.Text[prev.End:c.Start])
			}
			if gap != "" || c.Start <= prev.Start {
				t.Errorf("chunk %d [%d,%d) skips text or does not advance past [%d,%d)", i, c.Start, c.End, prev.Start, prev.End)
			}
			if c.Start < prev.End {
				overlapped++
			}
		}
	}
	if overlapped < len(chunks)/3 {
		t.Errorf("only %d of %d chunks overlap their predecessor", overlapped, len(chunks))
	}
	if chunks[len(chunks)-1].End != len(strings.TrimRight(d.Text, " ")) {
		t.Errorf("last chunk ends at %d", chunks[len(chunks)-1].End)
	}
	long := Document{ID: "l", Text: strings.Repeat("a ", 95) + "b."}
	parts := Chunker{Size: 40, Overlap: 0}.Split(long)
	if len(parts) != 3 || parts[2].End != len(long.Text) {
		t.Errorf("a 96-word sentence in 40-word chunks: %d chunks", len(parts))
	}
	if got := (Chunker{}).Split(Document{ID: "e", Text: " \n "}); len(got) != 0 {
		t.Errorf("empty document gave %d chunks", len(got))
	}
}

func TestHashingEmbedder(t *testing.T) {
	ctx := context.Background()
	corpus := []string{"graph index for vectors", "ranking with BM25", "graph search"}
	h, err := FitHashing(ctx, corpus, 64, Tokenizer{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := h.Embed(ctx, []string{"graph index", "graph index", "unrelated words", ""})
	if err != nil {
		t.Fatal(err)
	}
	if s := dot(v[0], v[1]); math.Abs(float64(s)-1) > 1e-6 {
		t.Errorf("same text: cosine %v", s)
	}
	for _, x := range v[3] {
		if x != 0 {
			t.Fatal("empty text must embed to the zero vector")
		}
	}
	// FNV-1a of "graph", computed independently in Python.
	if termHash("graph") != 0x32ec982977fe5287 {
		t.Errorf("term hash changed: %#x (saved vectors would no longer match)", termHash("graph"))
	}
}
