package kernels

import (
	"encoding/binary"
	"fmt"
	"sync"
	"unsafe"
)

// int8Layout is how one path packs 8-bit operands for its micro-kernel.
//
// Both operands are cut into groups of kStep consecutive k, padded with
// zeros to a whole group. A packed panel of Ã holds, group after group, the
// kStep values of each of its mr rows; a panel of B̃ the kStep values of each
// of its nr columns. Values are bytes (elem == 1: A as u8, B as s8, the
// VPDPBUSD operand types) or int16 (elem == 2, the VPMADDWD operand type).
type int8Layout struct {
	mr, nr int
	kStep  int
	elem   int
	// micro computes the mr×nr tile C = Ã·B̃ + bias[col] over groups groups.
	micro func(groups int, a, b *byte, c *int32, ldc int, bias *int32)
	// row, when set, computes one 1×nr row from a panel of Ã packed as a
	// single row (mr = 1): used when m is too small to fill mr rows.
	row func(groups int, a, b *byte, c *int32, ldc int, bias *int32)
}

// int8Layouts holds the layouts of the SIMD paths; the generic path has none
// (a nil layout) and multiplies the unpacked weights directly.
var int8Layouts = map[Path]*int8Layout{}

// PackedS8 is a signed 8-bit weight matrix W, n×k (out×in, the layout of
// torch.nn.Linear.weight), packed once for repeated products C = A·Wᵀ with
// MulU8 or MulS8. The packing follows the path selected when PackS8 ran.
// A PackedS8 is immutable and safe for concurrent use.
type PackedS8 struct {
	n, k    int
	layout  *int8Layout
	panels  []byte  // layout != nil: ceil(n/nr) panels of B̃
	weights []int8  // layout == nil: W copied densely, n×k
	rowSums []int32 // Σ_p W[j,p]
	// s8Bias is −128·rowSums padded to whole panels: the correction that
	// turns (a+128)·W back into a·W when s8 activations are fed to the u8
	// operand of VPDPBUSD.
	s8Bias []int32
	zeros  []int32
}

// PackS8 packs the n×k signed 8-bit matrix w (row stride ldw) for MulU8 and
// MulS8. The packed copy does not retain w.
func PackS8(n, k int, w []int8, ldw int) *PackedS8 {
	checkMatrix("PackS8", "w", n, k, w, ldw)
	p := &PackedS8{n: n, k: k, layout: int8Layouts[selected], rowSums: make([]int32, n)}
	RowSumsS8(n, k, w, ldw, p.rowSums)
	l := p.layout
	if l == nil {
		p.weights = make([]int8, n*k)
		for j := range n {
			copy(p.weights[j*k:(j+1)*k], w[j*ldw:j*ldw+k])
		}
		return p
	}
	kp := roundUp(k, l.kStep)
	np := roundUp(n, l.nr)
	p.panels = make([]byte, np*kp*l.elem)
	p.zeros = make([]int32, l.nr)
	p.s8Bias = make([]int32, np)
	if l.elem == 1 {
		for j := range n {
			p.s8Bias[j] = -128 * p.rowSums[j]
		}
	}
	for j := range n {
		panel := p.panels[j/l.nr*l.nr*kp*l.elem:]
		col := j % l.nr
		for q, v := range w[j*ldw : j*ldw+k] {
			at := (q/l.kStep*l.nr*l.kStep + col*l.kStep + q%l.kStep) * l.elem
			if l.elem == 1 {
				panel[at] = byte(v)
			} else {
				binary.LittleEndian.PutUint16(panel[at:], uint16(int16(v)))
			}
		}
	}
	return p
}

// Shape returns n and k: W is n×k and products are m×n.
func (p *PackedS8) Shape() (n, k int) { return p.n, p.k }

// RowSums returns Σ_p W[j,p] for each of the n rows of W, the term an
// activation zero point multiplies (see doc.go). The caller must not modify it.
func (p *PackedS8) RowSums() []int32 { return p.rowSums }

// MulU8 sets C = A·Wᵀ exactly in int32 for the m×k unsigned 8-bit matrix A
// (row stride lda) and the m×n matrix C (row stride ldc), overwriting C.
func (p *PackedS8) MulU8(m int, a []uint8, lda int, c []int32, ldc int) {
	mulPacked(p, "MulU8", m, a, lda, c, ldc)
}

// MulS8 sets C = A·Wᵀ exactly in int32 for the m×k signed 8-bit matrix A,
// overwriting C.
func (p *PackedS8) MulS8(m int, a []int8, lda int, c []int32, ldc int) {
	mulPacked(p, "MulS8", m, a, lda, c, ldc)
}

// GemmU8S8 sets C = A·Bᵀ exactly in int32 for A m×k unsigned and B n×k
// signed 8-bit, overwriting the m×n matrix C. It packs B on every call:
// when B is reused (a Linear layer's weights) pack it once with PackS8.
func GemmU8S8(m, n, k int, a []uint8, lda int, b []int8, ldb int, c []int32, ldc int) {
	PackS8(n, k, b, ldb).MulU8(m, a, lda, c, ldc)
}

// GemmS8S8 is GemmU8S8 for signed 8-bit A.
func GemmS8S8(m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) {
	PackS8(n, k, b, ldb).MulS8(m, a, lda, c, ldc)
}

// RowSumsU8 sets sums[i] = Σ_p A[i,p] for the m×k matrix A: the term a
// weight zero point multiplies (see doc.go).
func RowSumsU8(m, k int, a []uint8, lda int, sums []int32) { rowSums("RowSumsU8", m, k, a, lda, sums) }

// RowSumsS8 is RowSumsU8 for signed 8-bit A.
func RowSumsS8(m, k int, a []int8, lda int, sums []int32) { rowSums("RowSumsS8", m, k, a, lda, sums) }

// int8s are the activation types.
type int8s interface{ ~uint8 | ~int8 }

func rowSums[A int8s](fn string, m, k int, a []A, lda int, sums []int32) {
	checkMatrix(fn, "a", m, k, a, lda)
	if len(sums) < m {
		panic(fmt.Sprintf("kernels: %s: sums has %d elements for %d rows", fn, len(sums), m))
	}
	for i := range m {
		var s int32
		for _, v := range a[i*lda : i*lda+k] {
			s += int32(v)
		}
		sums[i] = s
	}
}

func mulPacked[A int8s](p *PackedS8, fn string, m int, a []A, lda int, c []int32, ldc int) {
	checkMatrix(fn, "a", m, p.k, a, lda)
	checkMatrix(fn, "c", m, p.n, c, ldc)
	if m == 0 || p.n == 0 {
		return
	}
	if p.k == 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+p.n])
		}
		return
	}
	if p.layout == nil {
		parallelStrips(m, 1, m*p.n*p.k, func(lo, hi int) { mulGeneric(p, lo, hi, a, lda, c, ldc) })
		return
	}
	l := p.layout
	mr, micro := l.mr, l.micro
	if l.row != nil && m <= l.mr/2 {
		mr, micro = 1, l.row
	}
	kp := roundUp(p.k, l.kStep)
	buf := getBytes(roundUp(m, mr) * kp * l.elem)
	defer putBytes(buf)
	packed := buf.b
	signed := isSigned[A]()
	for ir := 0; ir < m; ir += mr {
		packA8(l, mr, a, lda, ir, min(mr, m-ir), p.k, signed, packed[ir*kp*l.elem:])
	}
	panels := (p.n + l.nr - 1) / l.nr
	alongN := panels*l.nr >= m
	split, unit := m, mr
	if alongN {
		split, unit = p.n, l.nr
	}
	parallelStrips(split, unit, m*p.n*p.k, func(lo, hi int) {
		rlo, rhi, clo, chi := 0, m, lo, hi
		if !alongN {
			rlo, rhi, clo, chi = lo, hi, 0, p.n
		}
		var tile []int32
		for jr := clo; jr < chi; jr += l.nr {
			pb := &p.panels[jr*kp*l.elem]
			b := &p.zeros[0]
			if signed {
				b = &p.s8Bias[jr]
			}
			cols := min(l.nr, p.n-jr)
			for ir := rlo; ir < rhi; ir += mr {
				pa := &packed[ir*kp*l.elem]
				rows := min(mr, m-ir)
				if rows == mr && cols == l.nr {
					micro(kp/l.kStep, pa, pb, &c[ir*ldc+jr], ldc, b)
					continue
				}
				if tile == nil {
					tile = make([]int32, mr*l.nr)
				}
				micro(kp/l.kStep, pa, pb, &tile[0], l.nr, b)
				for i := range rows {
					copy(c[(ir+i)*ldc+jr:(ir+i)*ldc+jr+cols], tile[i*l.nr:i*l.nr+cols])
				}
			}
		}
	})
}

func isSigned[A int8s]() bool { return A(0)-1 < 0 }

// packA8 packs rows ir..ir+rows-1 of A into one panel of mr rows in the
// layout. Signed activations become u8 by adding 128 (flipping the sign bit)
// for byte layouts, and are sign-extended for int16 layouts.
func packA8[A int8s](l *int8Layout, mr int, a []A, lda, ir, rows, k int, signed bool, dst []byte) {
	kp := roundUp(k, l.kStep)
	panel := dst[:mr*kp*l.elem]
	clear(panel)
	full := k / l.kStep * l.kStep
	for i := range rows {
		row := unsafe.Slice((*byte)(unsafe.Pointer(&a[(ir+i)*lda])), k)
		if l.elem == 1 {
			var flip uint32
			if signed {
				flip = 0x80808080
			}
			for g := 0; g < full; g += 4 {
				binary.LittleEndian.PutUint32(panel[g*mr+4*i:], binary.LittleEndian.Uint32(row[g:])^flip)
			}
			for q := full; q < k; q++ {
				panel[full*mr+4*i+q-full] = row[q] ^ byte(flip)
			}
			continue
		}
		for q := range k {
			v := int16(row[q])
			if signed {
				v = int16(int8(row[q]))
			}
			binary.LittleEndian.PutUint16(panel[(q/2*mr*2+2*i+q%2)*2:], uint16(v))
		}
	}
}

// mulGeneric is the portable int8 product for rows lo..hi-1: four output
// columns at a time share each load of the activation row.
func mulGeneric[A int8s](p *PackedS8, lo, hi int, a []A, lda int, c []int32, ldc int) {
	n, k := p.n, p.k
	for i := lo; i < hi; i++ {
		x := a[i*lda : i*lda+k]
		out := c[i*ldc : i*ldc+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			w0, w1, w2, w3 := p.weights[j*k:(j+1)*k], p.weights[(j+1)*k:(j+2)*k], p.weights[(j+2)*k:(j+3)*k], p.weights[(j+3)*k:(j+4)*k]
			var s0, s1, s2, s3 int32
			for q, v := range x {
				xv := int32(v)
				s0 += xv * int32(w0[q])
				s1 += xv * int32(w1[q])
				s2 += xv * int32(w2[q])
				s3 += xv * int32(w3[q])
			}
			out[j], out[j+1], out[j+2], out[j+3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			var s int32
			for q, v := range x {
				s += int32(v) * int32(p.weights[j*k+q])
			}
			out[j] = s
		}
	}
}

// byteBuffer is pooled scratch space for packed activations.
type byteBuffer struct{ b []byte }

var byteBuffers sync.Pool

func getBytes(n int) *byteBuffer {
	bb, _ := byteBuffers.Get().(*byteBuffer)
	if bb == nil {
		bb = new(byteBuffer)
	}
	bb.b = grow(bb.b, n)
	return bb
}

func putBytes(bb *byteBuffer) { byteBuffers.Put(bb) }
