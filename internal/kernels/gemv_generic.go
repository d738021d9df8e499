package kernels

// gemvDotGeneric sets y[j] = Σ_p x[p]·m[j·ldm+p] for j < n, four rows at a
// time so each load of x serves four products.
func gemvDotGeneric[T float](n, k int, x, m []T, ldm int, y []T) {
	x = x[:k]
	j := 0
	for ; j+4 <= n; j += 4 {
		r0 := m[j*ldm : j*ldm+k]
		r1 := m[(j+1)*ldm : (j+1)*ldm+k]
		r2 := m[(j+2)*ldm : (j+2)*ldm+k]
		r3 := m[(j+3)*ldm : (j+3)*ldm+k]
		var s0, s1, s2, s3 T
		for p, xv := range x {
			s0 += xv * r0[p]
			s1 += xv * r1[p]
			s2 += xv * r2[p]
			s3 += xv * r3[p]
		}
		y[j], y[j+1], y[j+2], y[j+3] = s0, s1, s2, s3
	}
	for ; j < n; j++ {
		r := m[j*ldm : j*ldm+k]
		var s T
		for p, xv := range x {
			s += xv * r[p]
		}
		y[j] = s
	}
}

// gemvAxpyGeneric sets y[j] = Σ_p x[p]·m[p·ldm+j] for j < n.
func gemvAxpyGeneric[T float](n, k int, x, m []T, ldm int, y []T) {
	y = y[:n]
	clear(y)
	for p, xv := range x[:k] {
		r := m[p*ldm : p*ldm+n]
		for j, v := range r {
			y[j] += xv * v
		}
	}
}
