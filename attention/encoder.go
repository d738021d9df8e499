package attention

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// BlockConfig describes an EncoderBlock. EmbedDim, NumHeads and FFDim are
// required.
type BlockConfig struct {
	EmbedDim, NumHeads int
	// FFDim is the hidden width of the feed-forward network, typically 4·E.
	FFDim int
	// GELU selects the GELU activation; the zero value is ReLU, PyTorch's
	// default.
	GELU bool
	// Rotary, if set, gives the self-attention rotary positions.
	Rotary *Rotary
}

// EncoderBlock is a pre-LayerNorm transformer encoder layer,
// nn.TransformerEncoderLayer(norm_first=True, batch_first=True, dropout=0):
//
//	x ← x + SelfAttention(LayerNorm₁(x))
//	x ← x + W₂ act(W₁ LayerNorm₂(x) + b₁) + b₂
//
// Normalising before each sublayer (Xiong et al., 2020) keeps the residual
// path an identity, so deep stacks train without the learning-rate warm-up
// the original post-LN layout needs. Parameters are named as in PyTorch's
// state_dict. Like MultiHead, a block keeps its last Forward for Backward
// and is not safe for concurrent use.
type EncoderBlock struct {
	attn             *MultiHead
	norm1, norm2     *nn.LayerNorm
	linear1, linear2 *linear
	act              nn.Layer
	params           paramList
	linears          linearList
	recorded         bool
	batch, seqLen    int
	embed            int
}

// NewEncoderBlock returns a block initialised as PyTorch initialises
// nn.TransformerEncoderLayer; rng nil means a fixed seed. It panics on an
// invalid configuration.
func NewEncoderBlock(cfg BlockConfig, rng *rand.Rand) *EncoderBlock {
	if cfg.FFDim <= 0 {
		panic(fmt.Sprintf("attention: EncoderBlock needs a positive FFDim, got %d", cfg.FFDim))
	}
	if rng == nil {
		rng = nn.NewRand(1)
	}
	e := cfg.EmbedDim
	blk := &EncoderBlock{
		attn:  NewMultiHead(Config{EmbedDim: e, NumHeads: cfg.NumHeads, Rotary: cfg.Rotary}, rng),
		norm1: nn.NewLayerNorm(e), norm2: nn.NewLayerNorm(e),
		embed: e,
	}
	ff1, ff2 := nn.NewDense(e, cfg.FFDim, rng), nn.NewDense(cfg.FFDim, e, rng)
	blk.linear1, blk.linear2 = newLinear(ff1), newLinear(ff2)
	blk.act = &nn.ReLU{}
	if cfg.GELU {
		blk.act = &nn.GELU{}
	}
	blk.params = append(blk.params, blk.attn.params.prefixed("self_attn.")...)
	blk.params = blk.params.add("linear1.weight", ff1.W, cfg.FFDim, e).add("linear1.bias", ff1.B, cfg.FFDim)
	blk.params = blk.params.add("linear2.weight", ff2.W, e, cfg.FFDim).add("linear2.bias", ff2.B, e)
	blk.params = blk.params.add("norm1.weight", blk.norm1.W, e).add("norm1.bias", blk.norm1.B, e)
	blk.params = blk.params.add("norm2.weight", blk.norm2.W, e).add("norm2.bias", blk.norm2.B, e)
	blk.linears = blk.attn.linears.prefixed("self_attn.").add("linear1", blk.linear1).add("linear2", blk.linear2)
	return blk
}

// Parameters returns the block's parameters with nn.TransformerEncoderLayer's
// state_dict names.
func (blk *EncoderBlock) Parameters() []Parameter { return blk.params.parameters() }

// LoadState copies weights from a PyTorch state_dict; see MultiHead.LoadState.
func (blk *EncoderBlock) LoadState(state map[string]Flat) error { return blk.params.load(state) }

// ZeroGrad clears the gradients Backward accumulates.
func (blk *EncoderBlock) ZeroGrad() { nn.ZeroGrad(blk.Params()) }

// Forward applies the block to x (B, L, E) with the self-attention mask and
// returns the output and the attention weights opt asks for.
func (blk *EncoderBlock) Forward(x *tensor.Dense, mask Mask, opt Options) (y, weights *tensor.Dense) {
	xd, b, l, e := sequences("EncoderBlock input", x)
	if e != blk.embed {
		panic(fmt.Sprintf("attention: EncoderBlock(E=%d): input %v", blk.embed, x.Shape()))
	}
	out, weights := blk.forward(nn.MatFrom(b*l, e, xd), b, l, mask, opt)
	return newTensor(out.Data, b, l, e), weights
}

func (blk *EncoderBlock) forward(x *nn.Mat, b, l int, mask Mask, opt Options) (*nn.Mat, *tensor.Dense) {
	h := newTensor(blk.norm1.Forward(x, opt.ForBackward).Data, b, l, blk.embed)
	a, weights := blk.attn.Forward(h, h, h, mask, opt)
	x1 := x.Clone()
	for i, v := range data32(a) {
		x1.Data[i] += v
	}
	f := blk.linear2.run.Forward(blk.act.Forward(blk.linear1.run.Forward(blk.norm2.Forward(x1, opt.ForBackward), opt.ForBackward), opt.ForBackward), opt.ForBackward)
	for i, v := range f.Data {
		x1.Data[i] += v
	}
	blk.recorded, blk.batch, blk.seqLen = opt.ForBackward, b, l
	return x1, weights
}

// Backward takes dL/dy for the last Forward, which must have had
// ForBackward set, adds the parameter gradients and returns dL/dx.
func (blk *EncoderBlock) Backward(dy *tensor.Dense) *tensor.Dense {
	dd, b, l, e := sequences("dy", dy)
	if b != blk.batch || l != blk.seqLen || e != blk.embed {
		panic(fmt.Sprintf("attention: EncoderBlock.Backward: dy %v, output (%d, %d, %d)", dy.Shape(), blk.batch, blk.seqLen, blk.embed))
	}
	return newTensor(blk.backward(nn.MatFrom(b*l, e, dd)).Data, b, l, e)
}

func (blk *EncoderBlock) backward(dy *nn.Mat) *nn.Mat {
	if !blk.recorded {
		panic("attention: EncoderBlock.Backward without a Forward with ForBackward")
	}
	blk.recorded = false
	dx1 := blk.norm2.Backward(blk.linear1.run.Backward(blk.act.Backward(blk.linear2.run.Backward(dy))))
	for i, v := range dy.Data {
		dx1.Data[i] += v
	}
	dq, dk, dv := blk.attn.Backward(newTensor(dx1.Data, blk.batch, blk.seqLen, blk.embed))
	dh := nn.MatFrom(blk.batch*blk.seqLen, blk.embed, data32(dq))
	// Tensor.Data goes through reflection: fetch the slices once, not per element.
	dkd, dvd := data32(dk), data32(dv)
	for i := range dh.Data {
		dh.Data[i] += dkd[i] + dvd[i]
	}
	dx := blk.norm1.Backward(dh)
	for i, v := range dx1.Data {
		dx.Data[i] += v
	}
	return dx
}

// data32 returns the values of a tensor this package created (contiguous
// Float32).
func data32(t *tensor.Dense) []float32 { return t.Data().([]float32) }
