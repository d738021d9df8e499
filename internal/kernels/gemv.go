package kernels

import "sync"

// gemv handles m == 1 or n == 1, where packing would cost as much as the
// product itself: the matrix is streamed once, in the order it is stored.
//
// With x the vector operand and M the matrix one, each output is either a
// dot product of x with a stored row of M ("dot form": y[j] = Σ_p x[p]·M[j,p])
// or a sum of x-scaled stored rows ("axpy form": y[j] = Σ_p x[p]·M[p,j]).
func gemv[T float](ker *floatKernel[T], tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	var (
		x, mat  []T
		incX    int
		ldm     int
		dotForm bool
		outs    int
		incY    int
	)
	if m == 1 {
		x, incX = a, 1
		if tA {
			incX = lda
		}
		mat, ldm, dotForm, outs, incY = b, ldb, tB, n, 1
	} else {
		x, incX = b, ldb
		if tB {
			incX = 1
		}
		mat, ldm, dotForm, outs, incY = a, lda, !tA, m, ldc
	}
	ws := getVectors[T](k + outs)
	defer putVectors(ws)
	xs, ys := ws.v[:k], ws.v[k:]
	for p := range k {
		xs[p] = x[p*incX]
	}
	// Strips start at multiples of gemvUnit, so the assembly kernels see the
	// same row groups and column blocks whatever the number of goroutines.
	parallelStrips(outs, gemvUnit, outs*k, func(lo, hi int) {
		gemvStrip(ker, dotForm, lo, hi, k, xs, mat, ldm, ys)
	})
	for j, v := range ys {
		if beta == 0 {
			c[j*incY] = alpha * v
		} else {
			c[j*incY] = alpha*v + beta*c[j*incY]
		}
	}
}

// gemvUnit is a multiple of every kernel's row group (4) and column block (≤ 128).
const gemvUnit = 128

// gemvStrip computes outputs lo..hi-1 into ys.
func gemvStrip[T float](ker *floatKernel[T], dotForm bool, lo, hi, k int, xs, mat []T, ldm int, ys []T) {
	if dotForm {
		ker.dot(hi-lo, k, xs, mat[lo*ldm:], ldm, ys[lo:hi])
	} else {
		ker.axpy(hi-lo, k, xs, mat[lo:], ldm, ys[lo:hi])
	}
}

// vectors is pooled scratch space for gemv's packed x and raw outputs.
type vectors[T float] struct{ v []T }

var (
	vectors32 sync.Pool
	vectors64 sync.Pool
)

func getVectors[T float](n int) *vectors[T] {
	pool := &vectors64
	if isFloat32[T]() {
		pool = &vectors32
	}
	vs, _ := pool.Get().(*vectors[T])
	if vs == nil {
		vs = new(vectors[T])
	}
	vs.v = grow(vs.v, n)
	return vs
}

func putVectors[T float](vs *vectors[T]) {
	if isFloat32[T]() {
		vectors32.Put(vs)
	} else {
		vectors64.Put(vs)
	}
}
