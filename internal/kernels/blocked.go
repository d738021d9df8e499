package kernels

import (
	"runtime"
	"sync"
	"unsafe"
)

func isFloat32[T float]() bool { return unsafe.Sizeof(T(0)) == 4 }

// float is the element type of the floating-point GEMM.
type float interface{ ~float32 | ~float64 }

// floatKernel is one micro-kernel with the blocking that suits it.
//
// micro computes the mr×nr tile C = alpha·Ã·B̃ + beta·C from a packed panel Ã
// (k steps of mr values) and a packed panel B̃ (k steps of nr values); ldc is
// C's row stride in elements. With beta == 0 it must not read C.
type floatKernel[T float] struct {
	mr, nr     int
	kc, mc, nc int
	micro      func(k int, a, b, c *T, ldc int, alpha, beta T)

	// dot sets y[j] = Σ_p x[p]·m[j·ldm+p] and axpy sets y[j] = Σ_p x[p]·m[p·ldm+j]
	// for j < n: the two forms of a matrix-vector product (see gemv).
	dot, axpy func(n, k int, x, m []T, ldm int, y []T)

	// transpose, when set, copies a tw×tw block: dst[q·ldd+r] = src[r·lds+q].
	// Packing uses it where it would otherwise gather one element at a time.
	transpose func(src *T, lds int, dst *T, ldd int)
	tw        int
}

// minWorkPerGoroutine is the number of multiply-adds below which starting
// another goroutine costs more than it saves.
const minWorkPerGoroutine = 1 << 18

// workers returns how many goroutines to split a problem of the given
// multiply-add count into, at most one per tile along the split dimension.
func workers(macs, tiles int) int {
	w := min(runtime.GOMAXPROCS(0), tiles, max(1, macs/minWorkPerGoroutine))
	return max(w, 1)
}

// parallelGemm splits C into column (or row) strips, one per goroutine. Each
// strip is an independent blocked GEMM, so every element of C is summed in
// the same order whatever the number of goroutines: results are bitwise
// reproducible across GOMAXPROCS settings.
func parallelGemm[T float](ker *floatKernel[T], tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	alongN := n >= m
	unit, size := ker.mr, m
	if alongN {
		unit, size = ker.nr, n
	}
	parallelStrips(size, unit, m*n*k, func(lo, hi int) {
		if alongN {
			bs := b[lo:] // column lo of stored B
			if tB {
				bs = b[lo*ldb:]
			}
			blockedGemm(ker, tA, tB, m, hi-lo, k, alpha, a, lda, bs, ldb, beta, c[lo:], ldc)
			return
		}
		as := a[lo:] // column lo of stored A
		if !tA {
			as = a[lo*lda:]
		}
		blockedGemm(ker, tA, tB, hi-lo, n, k, alpha, as, lda, b, ldb, beta, c[lo*ldc:], ldc)
	})
}

// parallelStrips splits [0, size) into strips that start at multiples of
// unit, one goroutine each, for a problem of macs multiply-adds, and calls
// f(lo, hi) for each strip.
func parallelStrips(size, unit, macs int, f func(lo, hi int)) {
	tiles := (size + unit - 1) / unit
	w := workers(macs, tiles)
	if w == 1 {
		f(0, size)
		return
	}
	var wg sync.WaitGroup
	for s := range w {
		lo, hi := tiles*s/w*unit, min(tiles*(s+1)/w*unit, size)
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// workspace holds one goroutine's packed panels and edge tile.
type workspace[T float] struct {
	a, b, tile []T
}

var (
	workspaces32 sync.Pool
	workspaces64 sync.Pool
)

func getWorkspace[T float](ker *floatKernel[T]) *workspace[T] {
	pool := &workspaces64
	if isFloat32[T]() {
		pool = &workspaces32
	}
	ws, _ := pool.Get().(*workspace[T])
	if ws == nil {
		ws = new(workspace[T])
	}
	ws.a = grow(ws.a, roundUp(ker.mc, ker.mr)*ker.kc)
	ws.b = grow(ws.b, roundUp(ker.nc, ker.nr)*ker.kc)
	ws.tile = grow(ws.tile, ker.mr*ker.nr)
	return ws
}

func putWorkspace[T float](ws *workspace[T]) {
	if isFloat32[T]() {
		workspaces32.Put(ws)
	} else {
		workspaces64.Put(ws)
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func roundUp(x, unit int) int { return (x + unit - 1) / unit * unit }

// blockedGemm is the Goto/BLIS loop nest: a kc×nc block of B is packed into
// nr-wide panels (kept in L3/L2), an mc×kc block of A into mr-high panels
// (kept in L2), and the micro-kernel sweeps mr×nr tiles of C with the
// current B panel in L1.
func blockedGemm[T float](ker *floatKernel[T], tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ws := getWorkspace(ker)
	defer putWorkspace(ws)
	for jc := 0; jc < n; jc += ker.nc {
		nb := min(ker.nc, n-jc)
		for pc := 0; pc < k; pc += ker.kc {
			kb := min(ker.kc, k-pc)
			packB(ker, tB, b, ldb, pc, jc, kb, nb, ws.b)
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			for ic := 0; ic < m; ic += ker.mc {
				mb := min(ker.mc, m-ic)
				packA(ker, tA, a, lda, ic, pc, mb, kb, ws.a)
				macroKernel(ker, ws, mb, nb, kb, alpha, betaBlock, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macroKernel runs the micro-kernel over every tile of an mb×nb block of C.
// Tiles that stick out of C are computed into ws.tile and merged.
func macroKernel[T float](ker *floatKernel[T], ws *workspace[T], mb, nb, kb int, alpha, beta T, c []T, ldc int) {
	mr, nr := ker.mr, ker.nr
	for jr := 0; jr < nb; jr += nr {
		pb := &ws.b[jr*kb]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			pa := &ws.a[ir*kb]
			rows := min(mr, mb-ir)
			if rows == mr && cols == nr {
				ker.micro(kb, pa, pb, &c[ir*ldc+jr], ldc, alpha, beta)
				continue
			}
			ker.micro(kb, pa, pb, &ws.tile[0], nr, 1, 0)
			for i := range rows {
				dst := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+cols]
				src := ws.tile[i*nr : i*nr+cols]
				for j, v := range src {
					if beta == 0 {
						dst[j] = alpha * v
					} else {
						dst[j] = alpha*v + beta*dst[j]
					}
				}
			}
		}
	}
}

// packA copies the mb×kb block of op(A) at (ic, pc) into panels of mr rows:
// panel r holds, for each p, the mr values A[ic+r·mr+i, pc+p]. Rows past mb
// are zero so the micro-kernel never needs a row count.
func packA[T float](ker *floatKernel[T], tA bool, a []T, lda, ic, pc, mb, kb int, dst []T) {
	mr := ker.mr
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : ir*kb+mr*kb]
		rows := min(mr, mb-ir)
		if tA {
			for p := range kb {
				src := a[(pc+p)*lda+ic+ir:]
				d := panel[p*mr : p*mr+mr]
				copy(d, src[:rows])
				clear(d[rows:])
			}
			continue
		}
		done := transposeRows(ker, a, lda, ic+ir, pc, rows, kb, panel, mr)
		for i := done; i < rows; i++ {
			src := a[(ic+ir+i)*lda+pc : (ic+ir+i)*lda+pc+kb]
			for p, v := range src {
				panel[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := range kb {
				panel[p*mr+i] = 0
			}
		}
	}
}

// transposeRows writes src rows r0.. (row stride lds, columns c0..c0+kb) as
// columns of dst (row stride ldd) with the kernel's block transpose, as many
// whole blocks of tw rows as fit in rows, and returns how many rows it did.
func transposeRows[T float](ker *floatKernel[T], src []T, lds, r0, c0, rows, kb int, dst []T, ldd int) int {
	tw := ker.tw
	if ker.transpose == nil || kb < tw {
		return 0
	}
	kw := kb / tw * tw
	done := rows / tw * tw
	for i := 0; i < done; i += tw {
		for p := 0; p < kw; p += tw {
			ker.transpose(&src[(r0+i)*lds+c0+p], lds, &dst[p*ldd+i], ldd)
		}
		for r := i; r < i+tw; r++ {
			row := src[(r0+r)*lds+c0+kw : (r0+r)*lds+c0+kb]
			for p, v := range row {
				dst[(kw+p)*ldd+r] = v
			}
		}
	}
	return done
}

// packB copies the kb×nb block of op(B) at (pc, jc) into panels of nr
// columns: panel j holds, for each p, the nr values B[pc+p, jc+j·nr+c].
// Columns past nb are zero.
func packB[T float](ker *floatKernel[T], tB bool, b []T, ldb, pc, jc, kb, nb int, dst []T) {
	nr := ker.nr
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : jr*kb+nr*kb]
		cols := min(nr, nb-jr)
		if !tB {
			for p := range kb {
				src := b[(pc+p)*ldb+jc+jr:]
				d := panel[p*nr : p*nr+nr]
				copy(d, src[:cols])
				clear(d[cols:])
			}
			continue
		}
		done := transposeRows(ker, b, ldb, jc+jr, pc, cols, kb, panel, nr)
		for j := done; j < cols; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kb]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := range kb {
				panel[p*nr+j] = 0
			}
		}
	}
}
