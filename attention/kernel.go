package attention

import "github.com/mlprep/mlprep/internal/kernels"

// heads is a batch of B·H matrices of rows×cols float32 values inside one
// buffer: matrix (b, h) starts at data[b·batch + h·head] and its rows are ld
// apart. The same type describes a (B·L, E) projection whose head h is the
// column block [h·d, (h+1)·d) and a contiguous (B, H, L, d) tensor, so the
// kernels never copy heads out of a projection.
type heads struct {
	data            []float32
	rows, cols      int
	ld, batch, head int
}

// headColumns views a (B·l, H·d) row-major buffer as B·H matrices of l×d.
func headColumns(data []float32, l, d, nHeads int) heads {
	ld := d * nHeads
	return heads{data: data, rows: l, cols: d, ld: ld, batch: l * ld, head: d}
}

// headBlocks views a contiguous (B, H, l, d) buffer as B·H matrices of l×d.
func headBlocks(data []float32, nHeads, l, d int) heads {
	return heads{data: data, rows: l, cols: d, ld: d, batch: nHeads * l * d, head: l * d}
}

// row returns the slice starting at row i of matrix (b, h).
func (v heads) row(b, h, i int) []float32 { return v.data[b*v.batch+h*v.head+i*v.ld:] }

// problem is one attention computation out = softmax(scale·Q Kᵀ + mask) V
// over B·H independent (batch, head) pairs.
type problem struct {
	batch, nHeads int
	q, k, v, out  heads
	scale         float32
	mask          *maskPlan
	// probs, when not nil, receives the B·H·Lq·Lk softmax weights, which the
	// weights output and the backward pass need.
	probs []float32
}

const (
	// queryBlock rows of scores are computed at once. Every block packs
	// the keys and values again for the GEMM, so taller blocks amortise
	// that; 128 was the fastest of 64, 128 and 256 at d = 64.
	queryBlock = 128
	// keyBlock is the tiled kernel's key tile: 128×256 scores, 128 KiB,
	// which stays in the L2 cache.
	keyBlock = 256
)

func (p *problem) lq() int { return p.q.rows }
func (p *problem) lk() int { return p.k.rows }

// runPlain computes the scores of queryBlock queries against all keys, takes
// their softmax and multiplies by V. Scores live in probs when it is set,
// otherwise in a per-worker scratch block, so without weights this kernel
// keeps only queryBlock·Lk scores per worker.
func (p *problem) runPlain() {
	lq, lk, dk, dv := p.lq(), p.lk(), p.q.cols, p.v.cols
	blocks := (lq + queryBlock - 1) / queryBlock
	jobs := p.batch * p.nHeads * blocks
	var scratch [][]float32
	if p.probs == nil {
		scratch = make([][]float32, workerCount(jobs))
	}
	parallelFor(jobs, func(w, job int) {
		bh, blk := job/blocks, job%blocks
		b, h := bh/p.nHeads, bh%p.nHeads
		i0 := blk * queryBlock
		rows := min(queryBlock, lq-i0)
		var s []float32
		if p.probs != nil {
			s = p.probs[(bh*lq+i0)*lk:][:rows*lk]
		} else {
			if scratch[w] == nil {
				scratch[w] = make([]float32, queryBlock*lk)
			}
			s = scratch[w][:rows*lk]
		}
		out := p.out.row(b, h, i0)
		if lk == 0 {
			clearRows(out, rows, dv, p.out.ld)
			return
		}
		kernels.Sgemm(false, true, rows, lk, dk, p.scale, p.q.row(b, h, i0), p.q.ld, p.k.row(b, h, 0), p.k.ld, 0, s, lk)
		// Without stored weights the normalisation is applied to the rows
		// of P·V instead: dv multiplications per row rather than Lk.
		var inv [queryBlock]float32
		for r := range rows {
			row := s[r*lk : (r+1)*lk]
			if p.mask != nil {
				p.mask.apply(b, h, i0+r, 0, row)
			}
			if sum := expRow(row); sum > 0 {
				inv[r] = float32(1 / sum)
			}
			if p.probs != nil {
				scaleRow(row, inv[r])
			}
		}
		kernels.Sgemm(false, false, rows, dv, lk, 1, s, lk, p.v.row(b, h, 0), p.v.ld, 0, out, p.out.ld)
		if p.probs == nil {
			for r := range rows {
				scaleRow(out[r*p.out.ld:r*p.out.ld+dv], inv[r])
			}
		}
	})
}

func clearRows(data []float32, rows, cols, ld int) {
	for r := range rows {
		clear(data[r*ld : r*ld+cols])
	}
}

// backward computes dQ, dK and dV from dOut for the probabilities stored by
// runPlain. With S = scale·Q Kᵀ and P = softmax(S):
//
//	dV = Pᵀ dO,  dP = dO Vᵀ,  dS = P ∘ (dP − rowsum(P ∘ dP)),
//	dQ = scale·dS K,  dK = scale·dSᵀ Q.
//
// Masked pairs have P = 0 and so get no gradient. dq, dk and dv are
// overwritten.
func (p *problem) backward(dout, dq, dk, dv heads) {
	lq, lk, dkDim, dvDim := p.lq(), p.lk(), p.q.cols, p.v.cols
	jobs := p.batch * p.nHeads
	scratch := make([][]float32, workerCount(jobs))
	parallelFor(jobs, func(w, bh int) {
		b, h := bh/p.nHeads, bh%p.nHeads
		if scratch[w] == nil {
			scratch[w] = make([]float32, lq*lk)
		}
		ds := scratch[w]
		probs := p.probs[bh*lq*lk:][:lq*lk]
		if lk == 0 {
			clearRows(dq.row(b, h, 0), lq, dkDim, dq.ld)
			return
		}
		kernels.Sgemm(true, false, lk, dvDim, lq, 1, probs, lk, dout.row(b, h, 0), dout.ld, 0, dv.row(b, h, 0), dv.ld)
		kernels.Sgemm(false, true, lq, lk, dvDim, 1, dout.row(b, h, 0), dout.ld, p.v.row(b, h, 0), p.v.ld, 0, ds, lk)
		for i := range lq {
			pr, dr := probs[i*lk:(i+1)*lk], ds[i*lk:(i+1)*lk]
			var dot float64
			for j, pv := range pr {
				dot += float64(pv) * float64(dr[j])
			}
			d := float32(dot)
			for j, pv := range pr {
				dr[j] = pv * (dr[j] - d)
			}
		}
		kernels.Sgemm(false, false, lq, dkDim, lk, p.scale, ds, lk, p.k.row(b, h, 0), p.k.ld, 0, dq.row(b, h, 0), dq.ld)
		kernels.Sgemm(true, false, lk, dkDim, lq, p.scale, ds, lk, p.q.row(b, h, 0), p.q.ld, 0, dk.row(b, h, 0), dk.ld)
	})
}
