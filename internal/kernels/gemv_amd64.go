package kernels

// Matrix-vector kernels in gemv_amd64.s.

//go:noescape
func sdot4AVX512(k int, x, m *float32, ldm int, y *float32)

//go:noescape
func ddot4AVX512(k int, x, m *float64, ldm int, y *float64)

//go:noescape
func sdot4AVX2(k int, x, m *float32, ldm int, y *float32)

//go:noescape
func ddot4AVX2(k int, x, m *float64, ldm int, y *float64)

//go:noescape
func saxpyColsAVX512(k int, x, m *float32, ldm int, y *float32)

//go:noescape
func daxpyColsAVX512(k int, x, m *float64, ldm int, y *float64)

//go:noescape
func saxpyColsAVX2(k int, x, m *float32, ldm int, y *float32)

//go:noescape
func daxpyColsAVX2(k int, x, m *float64, ldm int, y *float64)

// dotRows builds a floatKernel.dot from an assembly kernel that computes four
// dot products over a multiple of lanes columns; the last k mod lanes columns
// and the last n mod 4 rows are done in Go.
func dotRows[T float](dot4 func(k int, x, m *T, ldm int, y *T), lanes int) func(n, k int, x, m []T, ldm int, y []T) {
	return func(n, k int, x, m []T, ldm int, y []T) {
		kv := k / lanes * lanes
		j := 0
		for ; kv > 0 && j+4 <= n; j += 4 {
			dot4(kv, &x[0], &m[j*ldm], ldm, &y[j])
			for r := range 4 {
				row := m[(j+r)*ldm+kv : (j+r)*ldm+k]
				s := y[j+r]
				for p, v := range row {
					s += x[kv+p] * v
				}
				y[j+r] = s
			}
		}
		if j < n {
			gemvDotGeneric(n-j, k, x, m[j*ldm:], ldm, y[j:])
		}
	}
}

// axpyCols builds a floatKernel.axpy from an assembly kernel that sums
// blocks of cols columns; the last n mod cols columns are done in Go.
func axpyCols[T float](block func(k int, x, m *T, ldm int, y *T), cols int) func(n, k int, x, m []T, ldm int, y []T) {
	return func(n, k int, x, m []T, ldm int, y []T) {
		j := 0
		for ; j+cols <= n; j += cols {
			block(k, &x[0], &m[j], ldm, &y[j])
		}
		if j < n {
			gemvAxpyGeneric(n-j, k, x, m[j:], ldm, y[j:])
		}
	}
}
