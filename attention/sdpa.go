package attention

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// ScaledDotProduct returns softmax(Q Kᵀ/√d_k + mask) V and, if opt asks for
// them, the attention weights softmax(Q Kᵀ/√d_k + mask).
//
// q, k and v are Float32 tensors, either (B, Lq, d_k), (B, Lk, d_k),
// (B, Lk, d_v) for one head, or (B, H, Lq, d_k), (B, H, Lk, d_k),
// (B, H, Lk, d_v) for H heads; the output has q's leading dimensions and
// d_v features. Weights are (B, Lq, Lk) for one head or AveragedWeights,
// (B, H, Lq, Lk) for PerHeadWeights with H heads. A query whose keys are all
// masked gets a zero output and zero weights.
//
// It panics if the shapes do not conform or opt asks TiledKernel for weights.
func ScaledDotProduct(q, k, v *tensor.Dense, mask Mask, opt Options) (out, weights *tensor.Dense) {
	if opt.ForBackward {
		panic("attention: ScaledDotProduct has no Backward; use MultiHead")
	}
	qd, qs := float32Data("query", q)
	kd, ks := float32Data("key", k)
	vd, vs := float32Data("value", v)
	if len(qs) != len(ks) || len(qs) != len(vs) || (len(qs) != 3 && len(qs) != 4) {
		panic(fmt.Sprintf("attention: ScaledDotProduct: query %v, key %v, value %v: want all (B, L, d) or all (B, H, L, d)", qs, ks, vs))
	}
	n := len(qs)
	nHeads := 1
	if n == 4 {
		nHeads = qs[1]
	}
	b, lq, dk := qs[0], qs[n-2], qs[n-1]
	lk, dv := ks[n-2], vs[n-1]
	if ks[0] != b || vs[0] != b || ks[n-3] != qs[n-3] || vs[n-3] != qs[n-3] ||
		ks[n-1] != dk || vs[n-2] != lk {
		panic(fmt.Sprintf("attention: ScaledDotProduct: query %v, key %v, value %v do not conform", qs, ks, vs))
	}
	outData := make([]float32, b*nHeads*lq*dv)
	p := &problem{
		batch: b, nHeads: nHeads,
		q:     headBlocks(qd, nHeads, lq, dk),
		k:     headBlocks(kd, nHeads, lk, dk),
		v:     headBlocks(vd, nHeads, lk, dv),
		out:   headBlocks(outData, nHeads, lq, dv),
		scale: float32(1 / math.Sqrt(float64(dk))),
		mask:  mask.plan(b, nHeads, lq, lk),
	}
	opt.run(p)
	outShape := append(tensor.Shape(nil), qs...)
	outShape[n-1] = dv
	out = newTensor(outData, outShape...)
	if w := opt.weights(p); w != nil {
		if opt.Weights == PerHeadWeights && n == 4 {
			weights = newTensor(w, b, nHeads, lq, lk)
		} else {
			weights = newTensor(w, b, lq, lk)
		}
	}
	return out, weights
}
