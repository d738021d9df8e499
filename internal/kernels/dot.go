package kernels

import "fmt"

// Sdot returns the inner product Σ_i x[i]·y[i] of two float32 vectors of the
// same length, summed in several vector accumulators (so the rounding differs
// from a left-to-right loop by the usual γ_n·Σ|x||y|). It is the inner loop of
// graph-based vector search, where one query meets one stored vector at a
// time. It panics if the lengths differ.
func Sdot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels: Sdot: x has %d elements, y has %d", len(x), len(y)))
	}
	return sdot(x, y)
}

// SdotRows sets y[j] = Σ_p x[p]·m[j·ldm+p] for j < len(y): the dot products
// of one vector x with the len(y) rows of a row-major matrix m (row stride
// ldm), as exact vector search scores a block of stored vectors against a
// query. Each load of x serves four rows. It runs on the calling goroutine
// (callers that search many blocks parallelise over blocks) and panics if m
// cannot hold len(y) rows of len(x) values with stride ldm.
func SdotRows(x, m []float32, ldm int, y []float32) {
	checkMatrix("SdotRows", "m", len(y), len(x), m, ldm)
	if len(x) == 0 {
		clear(y)
		return
	}
	sgemmKernels[selected].dot(len(y), len(x), x, m, ldm, y)
}

// SdotGather sets y[j] = Σ_p x[p]·m[rows[j]·ldm+p] for j < len(rows): the dot
// products of x with rows of m picked by index, as a graph index scores the
// neighbours of a node. Four rows are streamed at once, so their cache
// misses overlap (FAISS's fvec_inner_products_by_idx does the same). It
// runs on the calling goroutine and panics if len(y) != len(rows), ldm <
// len(x), or a row index falls outside m.
func SdotGather(x, m []float32, ldm int, rows []int32, y []float32) {
	if len(y) != len(rows) || ldm < len(x) {
		panic(fmt.Sprintf("kernels: SdotGather: %d rows into %d outputs, ldm = %d for %d columns", len(rows), len(y), ldm, len(x)))
	}
	for _, r := range rows {
		if r < 0 || int(r)*ldm+len(x) > len(m) {
			panic(fmt.Sprintf("kernels: SdotGather: row %d of %d columns with ldm = %d is outside m (%d elements)", r, len(x), ldm, len(m)))
		}
	}
	sdotGather(x, m, ldm, rows, y)
}

// sdotGatherRows is the portable SdotGather: one Sdot per row.
func sdotGatherRows(x, m []float32, ldm int, rows []int32, y []float32) {
	for j, r := range rows {
		y[j] = sdot(x, m[int(r)*ldm:int(r)*ldm+len(x)])
	}
}

// sdotGeneric keeps four partial sums so that consecutive additions do not
// wait for each other.
func sdotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
