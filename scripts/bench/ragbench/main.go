// Command ragbench measures rag's vector indexes on 100,000 vectors of
// dimension 384: exact Flat search, HNSW (build time, then recall@10 against
// exact search and queries per second at several efSearch), and
// github.com/philippgille/chromem-go's exact search on the same vectors. It
// writes the vectors to -dir for the numpy peer (scripts/bench/rag_numpy.py)
// and prints a table. Run through scripts/bench/rag.sh.
//
// The vectors are synthetic: a mixture of 1,000 Gaussian clusters in a
// random 48-dimensional subspace plus isotropic noise, normalised. Real
// sentence embeddings also have a low intrinsic dimension, which graph
// indexes rely on; uniformly random 384-dimensional vectors (-rank 384) are
// the adversarial case and need a much larger efSearch.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"

	chromem "github.com/philippgille/chromem-go"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/rag"
)

func main() {
	n := flag.Int("n", 100000, "number of stored vectors")
	dim := flag.Int("dim", 384, "dimension")
	rank := flag.Int("rank", 48, "intrinsic dimension of the clusters")
	nq := flag.Int("queries", 1000, "number of queries")
	m := flag.Int("m", 16, "HNSW M")
	efc := flag.Int("efc", 100, "HNSW efConstruction")
	dir := flag.String("dir", os.TempDir(), "where to write vectors for the numpy peer")
	withChromem := flag.Bool("chromem", true, "also measure chromem-go (on the first 100 queries: it is slow)")
	mode := flag.String("mode", "all", "vectors, ingest or all")
	flag.Parse()
	var err error
	if *mode != "vectors" {
		err = ingest()
	}
	if err == nil && *mode != "ingest" {
		err = run(*n, *dim, *rank, *nq, *m, *efc, *dir, *withChromem)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(n, dim, rank, nq, m, efc int, dir string, withChromem bool) error {
	base, queries := generate(n, nq, dim, rank)
	if err := writeVectors(filepath.Join(dir, "rag_base.f32"), base); err != nil {
		return err
	}
	if err := writeVectors(filepath.Join(dir, "rag_queries.f32"), queries); err != nil {
		return err
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	fmt.Printf("vectors: %d × %d (clusters in a rank-%d subspace), %d queries, GOMAXPROCS %d\n", n, dim, rank, nq, runtime.GOMAXPROCS(0))

	flat := rag.NewFlat(dim, rag.Cosine)
	if err := flat.Add(ids, base); err != nil {
		return err
	}
	truth := make([][]rag.Hit, nq)
	flatQPS := bestOf3(func() float64 {
		start := time.Now()
		for i, q := range queries {
			truth[i], _ = flat.Search(q, 10)
		}
		return float64(nq) / time.Since(start).Seconds()
	})
	fmt.Printf("%-34s %10s %12s\n", "index", "recall@10", "queries/s")
	fmt.Printf("%-34s %10.3f %12.0f\n", "rag.Flat (exact, parallel scan)", 1.0, flatQPS)

	h := rag.NewHNSW(dim, rag.HNSWOptions{M: m, EfConstruction: efc, Seed: 1})
	cpu0, wall0 := cpuTime(), time.Now()
	if err := h.Add(ids, base); err != nil {
		return err
	}
	build, buildCPU := time.Since(wall0), cpuTime()-cpu0
	for _, ef := range []int{10, 16, 24, 32, 64, 128} {
		var recall float64
		qps := bestOf3(func() float64 {
			var r float64
			r, qps := searchAll(h, queries, truth, ef)
			recall = r
			return qps
		})
		fmt.Printf("%-34s %10.3f %12.0f   %5.1f× exact\n", fmt.Sprintf("rag.HNSW M=%d efSearch=%d", m, ef), recall, qps, qps/flatQPS)
	}
	fmt.Printf("HNSW build (M=%d, efConstruction=%d): %.1f s wall, %.1f s CPU\n", m, efc, build.Seconds(), buildCPU.Seconds())

	if withChromem {
		cq := min(100, len(queries))
		qps, recall, err := chromemQPS(ids, base, queries[:cq], truth[:cq])
		if err != nil {
			return err
		}
		fmt.Printf("%-34s %10.3f %12.0f\n", "chromem-go (exact)", recall, qps)
	}
	return nil
}

// searchAll answers every query on all cores (one query per goroutine at a
// time) and returns recall@10 against truth and queries per second.
func searchAll(h *rag.HNSW, queries [][]float32, truth [][]rag.Hit, ef int) (float64, float64) {
	workers := runtime.GOMAXPROCS(0)
	found := make([]int, len(queries))
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(queries); i += workers {
				hits, _ := h.SearchEf(queries[i], 10, ef)
				found[i] = overlap(hits, truth[i])
			}
		}()
	}
	wg.Wait()
	qps := float64(len(queries)) / time.Since(start).Seconds()
	total := 0
	for _, f := range found {
		total += f
	}
	return float64(total) / float64(10*len(queries)), qps
}

func overlap(hits, truth []rag.Hit) int {
	want := map[string]bool{}
	for _, t := range truth {
		want[t.ID] = true
	}
	n := 0
	for _, h := range hits {
		if want[h.ID] {
			n++
		}
	}
	return n
}

func chromemQPS(ids []string, base, queries [][]float32, truth [][]rag.Hit) (float64, float64, error) {
	db := chromem.NewDB()
	noEmbed := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("vectors are precomputed")
	}
	col, err := db.CreateCollection("bench", nil, noEmbed)
	if err != nil {
		return 0, 0, err
	}
	docs := make([]chromem.Document, len(ids))
	for i, id := range ids {
		docs[i] = chromem.Document{ID: id, Content: id, Embedding: base[i]}
	}
	ctx := context.Background()
	if err := col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
		return 0, 0, err
	}
	var recall float64
	qps := bestOf3(func() float64 {
		found := 0
		start := time.Now()
		for i, q := range queries {
			res, err := col.QueryEmbedding(ctx, q, 10, nil, nil)
			if err != nil {
				panic(err)
			}
			hits := make([]rag.Hit, len(res))
			for j, r := range res {
				hits[j] = rag.Hit{ID: r.ID}
			}
			found += overlap(hits, truth[i])
		}
		recall = float64(found) / float64(10*len(queries))
		return float64(len(queries)) / time.Since(start).Seconds()
	})
	return qps, recall, nil
}

// generate draws normalised vectors from 1,000 Gaussian clusters in a
// random rank-dimensional subspace plus noise; queries come from the same
// distribution.
func generate(n, nq, dim, rank int) ([][]float32, [][]float32) {
	rng := rand.New(rand.NewPCG(2026, 11))
	basis := make([]float32, rank*dim)
	for i := range basis {
		basis[i] = float32(rng.NormFloat64() / math.Sqrt(float64(rank)))
	}
	const clusters = 1000
	centres := make([]float32, clusters*rank)
	for i := range centres {
		centres[i] = float32(1.5 * rng.NormFloat64())
	}
	all := make([][]float32, n+nq)
	z := make([]float32, rank)
	for i := range all {
		c := rng.IntN(clusters)
		for j := range z {
			z[j] = centres[c*rank+j] + float32(rng.NormFloat64())
		}
		v := make([]float32, dim)
		for d := range v {
			v[d] = 0.1 * float32(rng.NormFloat64())
		}
		for j, zj := range z {
			row := basis[j*dim : (j+1)*dim]
			for d := range v {
				v[d] += zj * row[d]
			}
		}
		var ss float64
		for _, x := range v {
			ss += float64(x) * float64(x)
		}
		inv := float32(1 / math.Sqrt(ss))
		for d := range v {
			v[d] *= inv
		}
		all[i] = v
	}
	return all[:n], all[n:]
}

func writeVectors(path string, vecs [][]float32) error {
	buf := make([]byte, 0, 4*len(vecs)*len(vecs[0]))
	for _, v := range vecs {
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	}
	return os.WriteFile(path, buf, 0o644)
}

func bestOf3(f func() float64) float64 {
	best := 0.0
	for range 3 {
		best = max(best, f())
	}
	return best
}

func cpuTime() time.Duration {
	d, _ := cputime.Process()
	return d
}

// ingest measures loading and indexing: the shipped PDFs (and the shared
// papers when present), then the SciFact corpus through BM25, LSA fitting,
// embedding and a Flat index, reporting MB of text per second of wall time
// and per CPU-second.
func ingest() error {
	ctx := context.Background()
	type step struct {
		name      string
		bytes     int
		wall, cpu time.Duration
	}
	var steps []step
	timed := func(name string, bytes int, f func() error) error {
		c, w := cpuTime(), time.Now()
		if err := f(); err != nil {
			return err
		}
		steps = append(steps, step{name, bytes, time.Since(w), cpuTime() - c})
		return nil
	}
	dirs := []string{"rag/testdata"}
	if p, err := datasets.Path("papers"); err == nil {
		dirs = append(dirs, p)
	}
	for _, d := range dirs {
		var docs []rag.Document
		size := 0
		err := timed("PDF text extraction, "+d, 0, func() error {
			var err error
			docs, err = rag.LoadDir(d)
			return err
		})
		if err != nil {
			return err
		}
		for _, doc := range docs {
			if doc.Meta["format"] == "pdf" {
				size += len(doc.Text)
			}
		}
		steps[len(steps)-1].bytes = size
	}
	sci, err := datasets.Path("beir-scifact")
	if err != nil {
		fmt.Println("no ../shared/data/beir-scifact: ingestion of the BEIR corpus skipped")
	} else {
		c, err := rag.LoadBEIR(sci, "test")
		if err != nil {
			return err
		}
		ids := make([]string, len(c.Corpus))
		texts := make([]string, len(c.Corpus))
		size := 0
		for i, d := range c.Corpus {
			ids[i], texts[i] = d.ID, d.Text
			size += len(d.Text)
		}
		var lsa *rag.LSA
		var vecs [][]float32
		first := len(steps)
		err = errors.Join(
			timed("SciFact BM25 index", size, func() error { return rag.NewBM25().Add(ctx, ids, texts) }),
			timed("SciFact LSA fit + corpus vectors (256 dims)", size, func() error {
				var err error
				lsa, vecs, err = rag.FitEmbedLSA(ctx, texts, rag.LSAOptions{})
				return err
			}),
			timed("SciFact Flat index add", size, func() error { return rag.NewFlat(lsa.Dim(), rag.Cosine).Add(ids, vecs) }),
			timed("SciFact embed with the fitted LSA", size, func() error {
				var err error
				vecs, err = lsa.Embed(ctx, texts)
				return err
			}),
		)
		if err != nil {
			return err
		}
		bm, fit, add, embed := steps[first], steps[first+1], steps[first+2], steps[first+3]
		steps = append(steps,
			step{"SciFact total: BM25 + LSA fit + vectors + Flat", size, bm.wall + fit.wall + add.wall, bm.cpu + fit.cpu + add.cpu},
			step{"SciFact total with a fitted embedder", size, bm.wall + embed.wall + add.wall, bm.cpu + embed.cpu + add.cpu})
	}
	fmt.Printf("%-52s %8s %9s %9s %10s %10s\n", "ingestion step", "MB", "wall s", "CPU s", "MB/s wall", "MB/CPU-s")
	for _, s := range steps {
		mb := float64(s.bytes) / 1e6
		fmt.Printf("%-52s %8.2f %9.2f %9.2f %10.1f %10.1f\n", s.name, mb, s.wall.Seconds(), s.cpu.Seconds(), mb/s.wall.Seconds(), mb/s.cpu.Seconds())
	}
	return nil
}
