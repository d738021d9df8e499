package attention

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Mask says which keys each query may attend. Its zero value masks nothing.
//
// Every boolean in this package means "allowed": true lets a query attend a
// key, false blocks it. This is the opposite of nn.MultiheadAttention's
// attn_mask and key_padding_mask (true = blocked) and the same as
// F.scaled_dot_product_attention's boolean attn_mask; the field names say
// Allow so a mask built for one convention cannot be passed as the other by
// accident. The parts combine: a pair is attended only if every part allows
// it, and the Bias of allowed pairs is added to their scores.
//
// Shapes use B for batch, H for heads, Lq for queries and Lk for keys.
type Mask struct {
	// Causal blocks future keys: query i may attend key j only if
	// j ≤ i + (Lk − Lq). The last query is aligned with the last key, which
	// is what incremental decoding needs (Lq new tokens after Lk − Lq cached
	// ones); for Lq = Lk it is the usual lower-triangular mask.
	Causal bool
	// Allow, if set, is a Bool tensor of shape (Lq, Lk), (B, Lq, Lk) or
	// (B, H, Lq, Lk): Allow[…, i, j] = true lets query i attend key j.
	Allow *tensor.Dense
	// AllowKeys, if set, is a Bool tensor of shape (B, Lk): false marks a
	// padding key that no query of that sequence may attend.
	AllowKeys *tensor.Dense
	// Bias, if set, is a Float32 tensor of the same shapes as Allow, added to
	// the scaled scores before the softmax (PyTorch's float attn_mask).
	// −Inf blocks a pair.
	Bias *tensor.Dense
}

func (m Mask) empty() bool {
	return !m.Causal && m.Allow == nil && m.AllowKeys == nil && m.Bias == nil
}

// maskPlan is a Mask checked against one problem's dimensions, with the
// strides that broadcast it over batch and heads.
type maskPlan struct {
	lq, lk int
	causal bool
	// shift is Lk − Lq: query i sees keys j ≤ i + shift when causal.
	shift int

	allow                 []bool
	allowBatch, allowHead int

	bias                []float32
	biasBatch, biasHead int

	keys []bool
}

// plan validates m for b batches, h heads, lq queries and lk keys. It returns
// nil for an empty mask. shift overrides the causal alignment offset (the KV
// cache passes the number of cached positions).
func (m Mask) plan(b, h, lq, lk int) *maskPlan {
	if m.empty() {
		return nil
	}
	p := &maskPlan{lq: lq, lk: lk, causal: m.Causal, shift: lk - lq}
	if m.Allow != nil {
		data, s := boolData("Mask.Allow", m.Allow)
		p.allow = data
		p.allowBatch, p.allowHead = pairStrides("Mask.Allow", s, b, h, lq, lk)
	}
	if m.Bias != nil {
		data, s := float32Data("Mask.Bias", m.Bias)
		p.bias = data
		p.biasBatch, p.biasHead = pairStrides("Mask.Bias", s, b, h, lq, lk)
	}
	if m.AllowKeys != nil {
		data, s := boolData("Mask.AllowKeys", m.AllowKeys)
		if len(s) != 2 || s[0] != b || s[1] != lk {
			panic(fmt.Sprintf("attention: Mask.AllowKeys has shape %v, want (%d, %d) for batch %d and %d keys", s, b, lk, b, lk))
		}
		p.keys = data
	}
	return p
}

// pairStrides returns the batch and head strides of a (Lq, Lk), (B, Lq, Lk)
// or (B, H, Lq, Lk) mask; a stride of 0 broadcasts.
func pairStrides(what string, s tensor.Shape, b, h, lq, lk int) (batch, head int) {
	pair := lq * lk
	switch {
	case len(s) == 2 && s[0] == lq && s[1] == lk:
		return 0, 0
	case len(s) == 3 && s[0] == b && s[1] == lq && s[2] == lk:
		return pair, 0
	case len(s) == 4 && s[0] == b && s[1] == h && s[2] == lq && s[3] == lk:
		return h * pair, pair
	}
	panic(fmt.Sprintf("attention: %s has shape %v, want (%d, %d), (%d, %d, %d) or (%d, %d, %d, %d)",
		what, s, lq, lk, b, lq, lk, b, h, lq, lk))
}

var negInf = float32(math.Inf(-1))

// apply masks the scores of query i against keys j0 … j0+len(row)−1 of
// batch b and head h in place: blocked pairs become −Inf, Bias is added.
func (p *maskPlan) apply(b, h, i, j0 int, row []float32) {
	if p.causal {
		for j := max(i+p.shift+1-j0, 0); j < len(row); j++ {
			row[j] = negInf
		}
	}
	if p.keys != nil {
		keys := p.keys[b*p.lk+j0:]
		for j := range row {
			if !keys[j] {
				row[j] = negInf
			}
		}
	}
	if p.allow != nil {
		allow := p.allow[b*p.allowBatch+h*p.allowHead+i*p.lk+j0:]
		for j := range row {
			if !allow[j] {
				row[j] = negInf
			}
		}
	}
	if p.bias != nil {
		bias := p.bias[b*p.biasBatch+h*p.biasHead+i*p.lk+j0:]
		for j := range row {
			row[j] += bias[j]
		}
	}
}

// blocksAll reports whether the causal mask blocks keys j0 and later for
// every query in [i0, i1), so a tiled kernel can skip that key block.
func (p *maskPlan) blocksAll(i1, j0 int) bool {
	return p != nil && p.causal && j0 > i1-1+p.shift
}
