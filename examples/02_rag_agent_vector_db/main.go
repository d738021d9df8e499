// Command 02_rag_agent_vector_db is the roadmap's RAG lesson: it ingests
// PDFs (the notes shipped in rag/testdata, plus the arXiv papers in
// ../shared/data/papers when present), indexes their chunks with BM25 and a
// local LSA embedding in an HNSW vector index saved to disk, answers
// questions with citations, verifies claims, and scores BM25, dense and
// hybrid retrieval on BEIR SciFact and CISI when the data is present.
//
//	go run ./examples/02_rag_agent_vector_db [-quick] [-out DIR]
//	    [-llm URL -model NAME]   answer through an OpenAI-compatible chat API
//	                             (key from $OPENAI_API_KEY)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/rag"
)

var questions = []string{
	"What does the parameter b control in BM25?",
	"How does HNSW trade recall for speed?",
	"Why must a vector index reject a zero vector?",
	"What does recall at one hundred measure?",
	"How many attention heads does the Transformer base model use?",
	"What rank r does LoRA use for GPT-3?",
}

var claims = []string{
	"Stemming maps inflected words to a common stem.",
	"BM25 understands synonyms such as heart attack and myocardial infarction.",
	"Reciprocal rank fusion requires calibrating the scores of the rankings.",
	"The moon is made of green cheese.",
}

func main() {
	llmURL := flag.String("llm", "", "OpenAI-compatible API base URL for the LLM answerer (e.g. http://localhost:11434/v1)")
	model := flag.String("model", "", "chat model (or Azure deployment) for -llm")
	opts := lesson.Parse()
	ctx := context.Background()
	if err := run(ctx, opts, *llmURL, *model); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options, llmURL, model string) error {
	docs, err := loadPDFs(opts.Quick)
	if err != nil {
		return err
	}
	start := time.Now()
	var index *rag.HNSW
	store, err := rag.NewStore(ctx, docs, rag.StoreOptions{NewIndex: func(dim int) rag.VectorIndex {
		index = rag.NewHNSW(dim, rag.HNSWOptions{Seed: 1})
		return index
	}})
	if err != nil {
		return err
	}
	bytes := 0
	for _, d := range docs {
		bytes += len(d.Text)
	}
	fmt.Printf("indexed %d documents, %d chunks, %.1f KB of text in %v (BM25 + LSA + HNSW)\n",
		len(docs), store.Chunks(), float64(bytes)/1e3, time.Since(start).Round(time.Millisecond))
	if err := roundTripIndex(opts, index); err != nil {
		return err
	}

	var answerer rag.Answerer = rag.ExtractiveAnswerer{}
	if llmURL != "" {
		chat := &rag.ChatClient{Endpoint: rag.Endpoint{BaseURL: llmURL, APIKey: os.Getenv("OPENAI_API_KEY")}, Model: model}
		answerer = rag.LLMAnswerer{Chat: chat}
		fmt.Printf("answering through %s (%s)\n", llmURL, model)
	}
	fmt.Println("\n== questions")
	answered := 0
	for _, q := range questions {
		ev, err := store.Search(ctx, q, 5)
		if err != nil {
			return err
		}
		ans, err := answerer.Answer(ctx, q, ev)
		if err != nil {
			return err
		}
		if ans.Found {
			answered++
		}
		fmt.Printf("Q: %s\nA: %s\n", q, shorten(ans.Text, 400))
		for _, c := range ans.Citations {
			fmt.Printf("   %s, bytes %d-%d\n", c, c.Start, c.End)
		}
	}

	fmt.Println("\n== claims (offline verifier: lexical coverage + negation; see rag.EvidenceVerifier)")
	verifier := rag.EvidenceVerifier{}
	for _, c := range claims {
		ev, err := store.Search(ctx, c, 5)
		if err != nil {
			return err
		}
		v, err := verifier.Verify(ctx, c, ev)
		if err != nil {
			return err
		}
		fmt.Printf("%-16s %s\n                 (%s)\n", v.Verdict, c, v.Reason)
		for _, ci := range v.Citations {
			fmt.Printf("                 %s: %q\n", ci, shorten(ci.Quote, 120))
		}
	}

	headline, err := benchmarks(ctx, opts)
	if err != nil {
		return err
	}
	lesson.Headline("%d/%d questions answered with citations; %s", answered, len(questions), headline)
	return nil
}

// loadPDFs loads the shipped notes and, when present, the shared papers.
func loadPDFs(quick bool) ([]rag.Document, error) {
	dir, err := shippedDir()
	if err != nil {
		return nil, err
	}
	docs, err := rag.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	var shipped []rag.Document
	for _, d := range docs {
		if strings.HasSuffix(d.ID, "_notes.pdf") {
			shipped = append(shipped, d)
		}
	}
	fmt.Printf("loaded %d shipped PDFs from %s\n", len(shipped), dir)
	papers, err := datasets.Path("papers")
	if err != nil {
		fmt.Println("no ../shared/data/papers: using the shipped notes only")
		return shipped, nil
	}
	t := time.Now()
	all, err := rag.LoadDir(papers)
	if err != nil {
		return nil, err
	}
	var more []rag.Document
	for _, d := range all {
		if d.Meta["format"] == "pdf" {
			more = append(more, d)
		}
	}
	pages, size := 0, 0
	for _, d := range more {
		pages += len(d.Pages)
		size += len(d.Text)
	}
	fmt.Printf("loaded %d papers from %s: %d pages, %.0f KB of text in %v\n", len(more), papers, pages, float64(size)/1e3, time.Since(t).Round(time.Millisecond))
	return append(shipped, more...), nil
}

// shippedDir finds rag/testdata from the working directory upwards.
func shippedDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "rag", "testdata")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("rag/testdata not found: run from the mlprep module")
		}
	}
}

// roundTripIndex saves the HNSW index (the "vector DB" on disk), loads it
// back and checks that it answers identically.
func roundTripIndex(opts *lesson.Options, index *rag.HNSW) error {
	path, err := opts.File("chunks.hnsw")
	if err != nil {
		return err
	}
	if err := index.Save(path); err != nil {
		return err
	}
	loaded, err := rag.LoadIndex(path)
	if err != nil {
		return err
	}
	st, _ := os.Stat(path)
	q := make([]float32, index.Dim())
	q[0] = 1
	a, err := index.Search(q, 5)
	if err != nil {
		return err
	}
	b, err := loaded.Search(q, 5)
	if err != nil {
		return err
	}
	same := len(a) == len(b)
	for i := range a {
		same = same && a[i] == b[i]
	}
	fmt.Printf("saved the HNSW index (%d vectors, %.0f KB) to %s; reloaded: identical results %v\n", loaded.Len(), float64(st.Size())/1e3, path, same)
	if !same {
		return errors.New("reloaded index answers differently")
	}
	return nil
}

// benchmarks scores BM25, dense and hybrid retrieval on SciFact and CISI.
func benchmarks(ctx context.Context, opts *lesson.Options) (string, error) {
	cisiDir, errC := datasets.Path("cisi")
	sciDir, errS := datasets.Path("beir-scifact")
	if errC != nil || errS != nil {
		fmt.Println("\nno ../shared/data/cisi or beir-scifact: skipping the BEIR scores")
		return "no benchmark data", nil
	}
	cisi, err := rag.LoadCISI(cisiDir)
	if err != nil {
		return "", err
	}
	if opts.Quick {
		ix := rag.NewBM25()
		ids, texts := corpusOf(cisi)
		if err := ix.Add(ctx, ids, texts); err != nil {
			return "", err
		}
		s, err := rag.Evaluate(ctx, ix, cisi)
		if err != nil {
			return "", err
		}
		fmt.Printf("\n-quick: BM25 on CISI only: nDCG@10 %.3f (full run: SciFact and CISI, BM25/dense/hybrid)\n", s.NDCG10)
		return fmt.Sprintf("CISI BM25 nDCG@10 %.3f", s.NDCG10), nil
	}
	train, err := rag.LoadBEIR(sciDir, "train")
	if err != nil {
		return "", err
	}
	test, err := rag.LoadBEIR(sciDir, "test")
	if err != nil {
		return "", err
	}
	fmt.Println("\n== BEIR evaluation (whole documents, title + text; log-entropy LSA, 256 dimensions)")
	sci, err := indexTimed(ctx, test)
	if err != nil {
		return "", err
	}
	// The hybrid is a convex combination of min-max normalised BM25 and LSA
	// scores, the LSA query expanded with the vectors of BM25's top five
	// documents (rag.Feedback); its BM25 weight is chosen on SciFact's
	// training queries only and then used unchanged on SciFact test and CISI.
	const fusion = rag.MinMax
	hybrid := func(ix *rag.Indexed) rag.Hybrid {
		return rag.Hybrid{Retrievers: []rag.Retriever{ix.BM25, rag.Feedback{Dense: ix.Dense, First: ix.BM25}}, Fusion: fusion}
	}
	grid := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}
	sweep, err := rag.TuneFusion(ctx, hybrid(sci), train, grid)
	if err != nil {
		return "", err
	}
	w := sweep.Best
	fmt.Printf("fusion weight chosen on SciFact train (%d queries): BM25 %.2f, dense %.2f (train nDCG@10 %.4f)\n",
		len(train.Queries), w, 1-w, sweep.Scores[indexOf(grid, w)].NDCG10)
	ci, err := indexTimed(ctx, cisi)
	if err != nil {
		return "", err
	}
	fmt.Printf("\n%-20s %-16s %8s %10s %8s\n", "collection", "retriever", "nDCG@10", "Recall@100", "MRR@10")
	var sciBM, sciHy, ciBM, ciHy float64
	curves := map[string][]float64{}
	for _, c := range []struct {
		col *rag.Collection
		ix  *rag.Indexed
	}{{test, sci}, {cisi, ci}} {
		rs := []struct {
			name string
			r    rag.Retriever
		}{
			{"BM25", c.ix.BM25},
			{"dense (LSA)", c.ix.Dense},
			{"RRF (equal)", rag.Hybrid{Retrievers: []rag.Retriever{c.ix.BM25, c.ix.Dense}}},
			{"dense+feedback", rag.Feedback{Dense: c.ix.Dense, First: c.ix.BM25}},
			{fmt.Sprintf("hybrid w=%.2f", w), tuned(hybrid(c.ix), w)},
		}
		for i, r := range rs {
			s, err := rag.Evaluate(ctx, r.r, c.col)
			if err != nil {
				return "", err
			}
			fmt.Printf("%-20s %-16s %8.4f %10.4f %8.4f\n", c.col.Name, r.name, s.NDCG10, s.Recall100, s.MRR10)
			switch {
			case c.col == test && i == 0:
				sciBM = s.NDCG10
			case c.col == test && i == 4:
				sciHy = s.NDCG10
			case c.col == cisi && i == 0:
				ciBM = s.NDCG10
			case c.col == cisi && i == 4:
				ciHy = s.NDCG10
			}
		}
		s2, err := rag.TuneFusion(ctx, hybrid(c.ix), c.col, grid)
		if err != nil {
			return "", err
		}
		for _, s := range s2.Scores {
			curves[c.col.Name] = append(curves[c.col.Name], s.NDCG10)
		}
	}
	for _, s := range sweep.Scores {
		curves["scifact train"] = append(curves["scifact train"], s.NDCG10)
	}
	fmt.Printf("\nnDCG@10 against the BM25 weight w of the %v fusion (dense gets 1 - w):\n%-6s %14s %18s %8s\n", fusion, "w", "scifact train", "beir-scifact/test", "cisi")
	for i, w := range grid {
		fmt.Printf("%-6.2f %14.4f %18.4f %8.4f\n", w, curves["scifact train"][i], curves["beir-scifact/test"][i], curves["cisi"][i])
	}
	if err := plotSweep(opts, grid, curves); err != nil {
		return "", err
	}
	return fmt.Sprintf("SciFact nDCG@10 BM25 %.3f hybrid %.3f; CISI BM25 %.3f hybrid %.3f", sciBM, sciHy, ciBM, ciHy), nil
}

// tuned returns h with weight w on its first retriever and 1 − w on its
// second.
func tuned(h rag.Hybrid, w float64) rag.Hybrid {
	h.Weights = []float64{w, 1 - w}
	return h
}

func indexTimed(ctx context.Context, c *rag.Collection) (*rag.Indexed, error) {
	t := time.Now()
	ix, err := rag.IndexCollection(ctx, c, nil, rag.LSAOptions{})
	if err != nil {
		return nil, err
	}
	size := 0
	for _, d := range c.Corpus {
		size += len(d.Text)
	}
	el := time.Since(t)
	fmt.Printf("indexed %s: %d documents, %.1f MB in %v (%.1f MB/s, BM25 + LSA fit + embed + flat index)\n",
		c.Name, len(c.Corpus), float64(size)/1e6, el.Round(time.Millisecond), float64(size)/1e6/el.Seconds())
	return ix, nil
}

func corpusOf(c *rag.Collection) ([]string, []string) {
	ids := make([]string, len(c.Corpus))
	texts := make([]string, len(c.Corpus))
	for i, d := range c.Corpus {
		ids[i], texts[i] = d.ID, d.Text
	}
	return ids, texts
}

func indexOf(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

func plotSweep(opts *lesson.Options, grid []float64, curves map[string][]float64) error {
	var series []plots.Series
	for _, name := range []string{"scifact train", "beir-scifact/test", "cisi"} {
		series = append(series, plots.Series{Name: name, X: grid, Y: curves[name]})
	}
	p, err := plots.Lines("Hybrid (min-max): nDCG@10 against the BM25 weight", "BM25 weight w (dense gets 1 - w)", "nDCG@10", series...)
	if err != nil {
		return err
	}
	return opts.SavePlot(p, "rag_fusion_weight.png")
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
