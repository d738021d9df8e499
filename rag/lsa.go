package rag

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/mlprep/mlprep/internal/kernels"
)

// LSA is latent semantic analysis (Deerwester et al., 1990): a truncated SVD
// of the corpus' weighted document–term matrix A ≈ U_k Σ_k V_kᵀ. A text is
// embedded by folding it in, e = w·V_k, where w is its weighted term vector;
// for a corpus document this is its row of U_k Σ_k. Terms that co-occur land
// near each other, so a query can match a document that shares none of its
// words: the "vocabulary gap" BM25 cannot cross.
//
// Weights are sublinear TF–IDF, (1 + ln tf) · ln(N/df), with each document's
// vector scaled to unit length. The SVD is computed by a randomised range
// finder (Halko, Martinsson & Tropp, 2011): Y = (AAᵀ)^q A Ω for a Gaussian
// Ω with k+p columns, Q = orth(Y), B = QᵀA, then the small eigenproblem of
// BBᵀ; only sparse products touch A.
//
// An LSA is safe for concurrent use once fitted.
type LSA struct {
	tok   Tokenizer
	terms map[string]int32
	idf   []float64
	proj  []float32 // term t's row of V_k is proj[t*dim:(t+1)*dim]
	dim   int
	// Singular holds the k singular values, largest first.
	Singular []float64
}

// LSAOptions configure FitLSA. The zero value is usable.
type LSAOptions struct {
	// Dim is the number of latent dimensions k (default 256), capped at the
	// corpus' rank bound min(documents, terms).
	Dim int
	// Oversample p adds columns to the random range (default 10).
	Oversample int
	// PowerIters q sharpens the spectrum (default 1).
	PowerIters int
	// MinDF drops terms in fewer documents (default 2): a word seen once
	// carries no co-occurrence information.
	MinDF int
	// Seed seeds Ω; the same corpus and seed give the same embedding.
	Seed uint64
	// Tokenizer analyses corpus and queries.
	Tokenizer Tokenizer
}

// FitLSA fits an LSA embedding to a corpus. An empty corpus or one without
// any term in MinDF documents returns ErrEmptyIndex.
func FitLSA(ctx context.Context, texts []string, opt LSAOptions) (*LSA, error) {
	l, _, err := fitLSA(ctx, texts, opt, false)
	return l, err
}

// FitEmbedLSA is FitLSA that also returns the corpus' own embeddings, equal
// to Embed(texts) but without tokenising the corpus a second time.
func FitEmbedLSA(ctx context.Context, texts []string, opt LSAOptions) (*LSA, [][]float32, error) {
	return fitLSA(ctx, texts, opt, true)
}

func fitLSA(ctx context.Context, texts []string, opt LSAOptions, embed bool) (*LSA, [][]float32, error) {
	if opt.Dim == 0 {
		opt.Dim = 256
	}
	if opt.Oversample == 0 {
		opt.Oversample = 10
	}
	if opt.PowerIters == 0 {
		opt.PowerIters = 1
	}
	if opt.MinDF == 0 {
		opt.MinDF = 2
	}
	if len(texts) == 0 {
		return nil, nil, fmt.Errorf("%w: LSA needs documents", ErrEmptyIndex)
	}
	counts := make([]map[string]int32, len(texts))
	if err := parallelFor(ctx, len(texts), func(i int) {
		m := map[string]int32{}
		opt.Tokenizer.each(texts[i], func(t string, _, _ int) { m[t]++ })
		counts[i] = m
	}); err != nil {
		return nil, nil, err
	}
	df := map[string]int{}
	for _, m := range counts {
		for t := range m {
			df[t]++
		}
	}
	var vocab []string
	for t, n := range df {
		if n >= opt.MinDF {
			vocab = append(vocab, t)
		}
	}
	if len(vocab) == 0 {
		return nil, nil, fmt.Errorf("%w: no term occurs in %d documents", ErrEmptyIndex, opt.MinDF)
	}
	sort.Strings(vocab)
	l := &LSA{tok: opt.Tokenizer, terms: make(map[string]int32, len(vocab)), idf: make([]float64, len(vocab))}
	n := float64(len(texts))
	for i, t := range vocab {
		l.terms[t] = int32(i)
		l.idf[i] = math.Log(n / float64(df[t]))
	}
	a := newCSR(len(vocab))
	for _, m := range counts {
		idx, val := l.weigh(m)
		a.appendRow(idx, val)
	}
	k := min(opt.Dim, len(texts), len(vocab))
	cols := min(k+opt.Oversample, len(texts), len(vocab))
	at := a.transpose()

	rng := rand.New(rand.NewPCG(opt.Seed, 0x6c7361))
	omega := mat.NewDense(len(vocab), cols, nil)
	for i := range omega.RawMatrix().Data {
		omega.RawMatrix().Data[i] = rng.NormFloat64()
	}
	y := a.mul(ctx, omega)
	for range opt.PowerIters {
		z := at.mul(ctx, orthonormal(y, 1))
		y = a.mul(ctx, orthonormal(z, 1))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	bt := at.mul(ctx, orthonormal(y, 2)) // Bᵀ = AᵀQ, terms × cols
	g := make([]float64, cols*cols)
	raw := bt.RawMatrix()
	kernels.Dgemm(true, false, cols, cols, len(vocab), 1, raw.Data, raw.Stride, raw.Data, raw.Stride, 0, g, cols)
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(cols, g), true) {
		return nil, nil, fmt.Errorf("rag: LSA eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// Eigenvalues come in ascending order; keep the k largest, dropping
	// numerically zero directions.
	var keep []int
	for j := cols - 1; j >= 0 && len(keep) < k; j-- {
		if vals[j] > 1e-10*vals[cols-1] {
			keep = append(keep, j)
		}
	}
	l.dim = len(keep)
	l.Singular = make([]float64, l.dim)
	sel := mat.NewDense(cols, l.dim, nil)
	for c, j := range keep {
		s := math.Sqrt(vals[j])
		l.Singular[c] = s
		for r := range cols {
			sel.Set(r, c, vecs.At(r, j)/s)
		}
	}
	var v mat.Dense // V_k = Bᵀ Ũ Σ⁻¹, terms × k
	v.Mul(bt, sel)
	l.proj = make([]float32, len(vocab)*l.dim)
	for i, x := range v.RawMatrix().Data {
		l.proj[i] = float32(x)
	}
	if !embed {
		return l, nil, nil
	}
	corpus := make([][]float32, a.rows())
	err := parallelFor(ctx, a.rows(), func(r int) {
		e := make([]float32, l.dim)
		for j := a.rowPtr[r]; j < a.rowPtr[r+1]; j++ {
			l.addTerm(e, a.colIdx[j], float32(a.vals[j]))
		}
		normalize(e)
		corpus[r] = e
	})
	return l, corpus, err
}

// Dim returns the embedding dimension.
func (l *LSA) Dim() int { return l.dim }

// weigh turns term counts into the unit-length sublinear TF–IDF vector over
// the fitted vocabulary, sorted by term index.
func (l *LSA) weigh(m map[string]int32) ([]int32, []float64) {
	type termCount struct{ term, count int32 }
	var tcs []termCount
	for t, n := range m {
		if i, ok := l.terms[t]; ok {
			tcs = append(tcs, termCount{i, n})
		}
	}
	sort.Slice(tcs, func(a, b int) bool { return tcs[a].term < tcs[b].term })
	idx := make([]int32, len(tcs))
	val := make([]float64, len(tcs))
	var ss float64
	for j, tc := range tcs {
		idx[j] = tc.term
		val[j] = (1 + math.Log(float64(tc.count))) * l.idf[tc.term]
		ss += val[j] * val[j]
	}
	if ss > 0 {
		inv := 1 / math.Sqrt(ss)
		for j := range val {
			val[j] *= inv
		}
	}
	return idx, val
}

// Embed folds texts into the latent space and scales each vector to unit
// length. A text without any fitted term embeds to the zero vector, which
// vector indexes reject with ErrZeroVector.
func (l *LSA) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	err := parallelFor(ctx, len(texts), func(i int) {
		m := map[string]int32{}
		l.tok.each(texts[i], func(t string, _, _ int) { m[t]++ })
		idx, val := l.weigh(m)
		e := make([]float32, l.dim)
		for j, t := range idx {
			l.addTerm(e, t, float32(val[j]))
		}
		normalize(e)
		out[i] = e
	})
	return out, err
}

// addTerm adds w times term t's latent vector to e.
func (l *LSA) addTerm(e []float32, t int32, w float32) {
	row := l.proj[int(t)*l.dim : int(t+1)*l.dim]
	for c, p := range row {
		e[c] += w * p
	}
}

func normalize(v []float32) {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss > 0 {
		inv := float32(1 / math.Sqrt(ss))
		for i := range v {
			v[i] *= inv
		}
	}
}

// orthonormal returns an orthonormal basis of y's columns by CholeskyQR:
// Q = Y R⁻¹ with RᵀR = YᵀY. One pass loses orthogonality when Y is
// ill-conditioned, so the final basis takes two (CholeskyQR2); the power
// iterations only need a well-scaled basis and take one. A tiny ridge keeps
// the factorisation defined when Y is rank-deficient.
func orthonormal(y *mat.Dense, passes int) *mat.Dense {
	q := mat.DenseCopyOf(y)
	for range passes {
		raw := q.RawMatrix()
		g := make([]float64, raw.Cols*raw.Cols)
		kernels.Dgemm(true, false, raw.Cols, raw.Cols, raw.Rows, 1, raw.Data, raw.Stride, raw.Data, raw.Stride, 0, g, raw.Cols)
		trace := 0.0
		for i := range raw.Cols {
			trace += g[i*raw.Cols+i]
		}
		for i := range raw.Cols {
			g[i*raw.Cols+i] += 1e-12*trace + 1e-300
		}
		var ch mat.Cholesky
		if !ch.Factorize(mat.NewSymDense(raw.Cols, g)) {
			continue
		}
		var u mat.TriDense
		ch.UTo(&u)
		blas64.Trsm(blas.Right, blas.NoTrans, 1, u.RawTriangular(), raw)
	}
	return q
}
