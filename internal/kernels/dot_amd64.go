package kernels

// Dot-product kernels in dot_amd64.s.

//go:noescape
func sdotAVX512(n int, x, y *float32) float32

//go:noescape
func sdotAVX2(n int, x, y *float32) float32

//go:noescape
func sdot4GatherAVX512(k int, x, r0, r1, r2, r3, y *float32)

//go:noescape
func sdot4GatherAVX2(k int, x, r0, r1, r2, r3, y *float32)

// sdot runs the selected path's kernel over whole vectors and adds the
// ragged tail in Go. A switch rather than a table lookup: Sdot is called
// millions of times on short vectors, where a map access would cost as much
// as the products.
func sdot(x, y []float32) float32 {
	n := 0
	var s float32
	switch selected {
	case AVX512:
		if n = len(x) &^ 15; n > 0 {
			s = sdotAVX512(n, &x[0], &y[0])
		}
	case AVX2:
		if n = len(x) &^ 7; n > 0 {
			s = sdotAVX2(n, &x[0], &y[0])
		}
	}
	return s + sdotGeneric(x[n:], y[n:])
}

// sdotGather runs four rows at a time through the selected path's gather
// kernel, the last one to three rows too (with the last row repeated to fill
// the four slots), so that every row's product is summed in the same order;
// the tail of each row past the last whole vector is added in Go.
func sdotGather(x, m []float32, ldm int, rows []int32, y []float32) {
	k := len(x)
	var kv int
	var kernel func(k int, x, r0, r1, r2, r3, y *float32)
	switch selected {
	case AVX512:
		kv, kernel = k&^15, sdot4GatherAVX512
	case AVX2:
		kv, kernel = k&^7, sdot4GatherAVX2
	}
	if kv == 0 {
		sdotGatherRows(x, m, ldm, rows, y)
		return
	}
	var four [4]float32
	for j := 0; j < len(rows); j += 4 {
		var at [4]int
		for i := range at {
			at[i] = int(rows[min(j+i, len(rows)-1)]) * ldm
		}
		kernel(kv, &x[0], &m[at[0]], &m[at[1]], &m[at[2]], &m[at[3]], &four[0])
		for i := range min(4, len(rows)-j) {
			s := four[i]
			if kv < k {
				s += sdotGeneric(x[kv:], m[at[i]+kv:at[i]+k])
			}
			y[j+i] = s
		}
	}
}
