// Command ragfusion reproduces the hybrid-retrieval study of rag's
// BENCHMARKS section: for each fusion function, dense side and LSA
// weighting tried, BM25's weight is chosen on SciFact's training queries
// (rag.TuneFusion) and the same weight is scored on SciFact's test queries
// and on CISI. It prints one row per variant, so that the choice of the
// variant itself can be judged on the training column alone. Needs
// ../shared/data/beir-scifact and ../shared/data/cisi.
//
//	go run ./scripts/bench/ragfusion
package main

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/rag"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// grid is the weights TuneFusion tries.
var grid = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}

// dense is one way to build the dense side from an indexed collection.
type dense struct {
	name string
	make func(ix *rag.Indexed) rag.Retriever
}

func run() error {
	ctx := context.Background()
	sciDir, err := datasets.Path("beir-scifact")
	if err != nil {
		return err
	}
	cisiDir, err := datasets.Path("cisi")
	if err != nil {
		return err
	}
	train, err := rag.LoadBEIR(sciDir, "train")
	if err != nil {
		return err
	}
	test, err := rag.LoadBEIR(sciDir, "test")
	if err != nil {
		return err
	}
	cisi, err := rag.LoadCISI(cisiDir)
	if err != nil {
		return err
	}
	denses := []dense{{"LSA", func(ix *rag.Indexed) rag.Retriever { return ix.Dense }}}
	for _, fb := range []struct {
		docs int
		beta float64
	}{{1, 1}, {3, 0.5}, {3, 1}, {3, 2}, {5, 1}, {10, 2}} {
		denses = append(denses, dense{fmt.Sprintf("LSA + feedback(%d, %g)", fb.docs, fb.beta), func(ix *rag.Indexed) rag.Retriever {
			return rag.Feedback{Dense: ix.Dense, First: ix.BM25, Docs: fb.docs, Beta: fb.beta}
		}})
	}
	fmt.Printf("%-12s %-26s %-20s %5s %10s %22s %22s\n", "LSA weights", "dense side", "fusion", "w", "train", "SciFact test (Δ BM25)", "CISI (Δ BM25)")
	for _, weighting := range []rag.LSAWeighting{rag.LogEntropy, rag.TFIDF} {
		opt := rag.LSAOptions{Weighting: weighting}
		sci, err := rag.IndexCollection(ctx, test, nil, opt)
		if err != nil {
			return err
		}
		ci, err := rag.IndexCollection(ctx, cisi, nil, opt)
		if err != nil {
			return err
		}
		sciBM, err := rag.Evaluate(ctx, sci.BM25, test)
		if err != nil {
			return err
		}
		ciBM, err := rag.Evaluate(ctx, ci.BM25, cisi)
		if err != nil {
			return err
		}
		wname := map[rag.LSAWeighting]string{rag.LogEntropy: "log-entropy", rag.TFIDF: "TF-IDF"}[weighting]
		for _, d := range denses {
			if weighting == rag.TFIDF && d.name != "LSA" && d.name != "LSA + feedback(1, 1)" {
				continue
			}
			for _, f := range []rag.Fusion{rag.RRF, rag.MinMax, rag.TheoreticalMinMax} {
				h := func(ix *rag.Indexed) rag.Hybrid {
					return rag.Hybrid{Retrievers: []rag.Retriever{ix.BM25, d.make(ix)}, Fusion: f}
				}
				sweep, err := rag.TuneFusion(ctx, h(sci), train, grid)
				if err != nil {
					return err
				}
				w := sweep.Best
				tuned := func(ix *rag.Indexed) rag.Hybrid {
					hy := h(ix)
					hy.Weights = []float64{w, 1 - w}
					return hy
				}
				st, err := rag.Evaluate(ctx, tuned(sci), test)
				if err != nil {
					return err
				}
				sc, err := rag.Evaluate(ctx, tuned(ci), cisi)
				if err != nil {
					return err
				}
				fmt.Printf("%-12s %-26s %-20v %5.2f %10.4f %13.4f (%+.4f) %13.4f (%+.4f)\n", wname, d.name, f, w,
					sweep.Scores[slices.Index(grid, w)].NDCG10, st.NDCG10, st.NDCG10-sciBM.NDCG10, sc.NDCG10, sc.NDCG10-ciBM.NDCG10)
			}
		}
	}
	return nil
}
