package attention

import "github.com/mlprep/mlprep/internal/kernels"

// tiledScratch is one worker's memory for runTiled: a queryBlock×keyBlock
// tile of scores, the queryBlock×dv output accumulator and the running max
// and sum of each query row. Its size does not depend on the sequence
// lengths.
type tiledScratch struct {
	s, acc []float32
	m      []float32
	l      []float64
}

// runTiled is the FlashAttention algorithm (Dao et al., 2022) on the CPU:
// for each block of queries it walks the keys one tile at a time, keeping
// for every query row the running maximum m, the running sum l of
// exp(s − m) and the unnormalised output acc. When a tile raises the
// maximum to m′, the earlier sum and output are rescaled by exp(m − m′)
// (the online softmax of Milakov & Gimelshein, 2018), so the result equals
// the plain softmax exactly in real arithmetic while only queryBlock×keyBlock
// scores ever exist. Memory is O(n·d) for the inputs and output plus a fixed
// tile per worker, against O(n²) for materialising the scores.
//
// Key tiles that a causal mask blocks for the whole query block are skipped,
// which halves the work of causal attention.
func (p *problem) runTiled() {
	lq, lk, dk, dv := p.lq(), p.lk(), p.q.cols, p.v.cols
	blocks := (lq + queryBlock - 1) / queryBlock
	jobs := p.batch * p.nHeads * blocks
	scratch := make([]*tiledScratch, workerCount(jobs))
	parallelFor(jobs, func(w, job int) {
		if scratch[w] == nil {
			scratch[w] = &tiledScratch{
				s:   make([]float32, queryBlock*keyBlock),
				acc: make([]float32, queryBlock*dv),
				m:   make([]float32, queryBlock),
				l:   make([]float64, queryBlock),
			}
		}
		sc := scratch[w]
		bh, blk := job/blocks, job%blocks
		b, h := bh/p.nHeads, bh%p.nHeads
		i0 := blk * queryBlock
		rows := min(queryBlock, lq-i0)
		acc := sc.acc[:rows*dv]
		clear(acc)
		for r := range rows {
			sc.m[r], sc.l[r] = negInf, 0
		}
		for j0 := 0; j0 < lk; j0 += keyBlock {
			if p.mask.blocksAll(i0+rows, j0) {
				break
			}
			cols := min(keyBlock, lk-j0)
			s := sc.s[:rows*keyBlock]
			kernels.Sgemm(false, true, rows, cols, dk, p.scale, p.q.row(b, h, i0), p.q.ld, p.k.row(b, h, j0), p.k.ld, 0, s, keyBlock)
			for r := range rows {
				row := s[r*keyBlock : r*keyBlock+cols]
				if p.mask != nil {
					p.mask.apply(b, h, i0+r, j0, row)
				}
				sc.onlineSoftmax(r, row, acc[r*dv:(r+1)*dv])
			}
			kernels.Sgemm(false, false, rows, dv, cols, 1, s, keyBlock, p.v.row(b, h, j0), p.v.ld, 1, acc, dv)
		}
		out := p.out.row(b, h, i0)
		for r := range rows {
			o := out[r*p.out.ld : r*p.out.ld+dv]
			if sc.l[r] == 0 { // every key masked: zeros, not 0/0
				clear(o)
				continue
			}
			inv := float32(1 / sc.l[r])
			for c, a := range acc[r*dv : (r+1)*dv] {
				o[c] = a * inv
			}
		}
	})
}

// onlineSoftmax folds one tile row of scores into query row r's running
// maximum and sum, rescales the row's accumulated output if the maximum
// grew, and leaves exp(s − m) in row for the P·V product.
func (sc *tiledScratch) onlineSoftmax(r int, row, acc []float32) {
	m := sc.m[r]
	for _, v := range row {
		m = max(m, v)
	}
	if m == negInf { // all masked so far: contributes nothing
		clear(row)
		return
	}
	if m != sc.m[r] {
		corr := expNonPositive(sc.m[r] - m)
		sc.l[r] *= float64(corr)
		scaleRow(acc, corr)
		sc.m[r] = m
	}
	sc.l[r] += expShifted(row, m)
}
