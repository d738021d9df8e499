package attention

import "fmt"

// Weights selects whether and how the attention weights are returned.
type Weights int

const (
	// NoWeights returns no weights, which lets the kernel skip storing the
	// B·H·Lq·Lk probabilities (PyTorch's need_weights=False).
	NoWeights Weights = iota
	// AveragedWeights returns the weights averaged over heads, (B, Lq, Lk):
	// nn.MultiheadAttention's default need_weights=True.
	AveragedWeights
	// PerHeadWeights returns every head's weights, (B, H, Lq, Lk):
	// average_attn_weights=False.
	PerHeadWeights
)

// Kernel selects the attention algorithm.
type Kernel int

const (
	// AutoKernel uses TiledKernel unless the weights or a backward pass need
	// the probabilities, in which case it uses PlainKernel.
	AutoKernel Kernel = iota
	// PlainKernel computes softmax(Q Kᵀ) one block of queries at a time and
	// can keep all B·H·Lq·Lk probabilities.
	PlainKernel
	// TiledKernel is the memory-efficient FlashAttention-style kernel: it
	// never holds more than a tile of scores, so it cannot return weights
	// or support Backward.
	TiledKernel
)

// Options configure one attention call. The zero value returns no weights,
// picks the kernel automatically and records nothing for Backward.
type Options struct {
	Weights Weights
	Kernel  Kernel
	// ForBackward keeps what MultiHead.Backward needs: the probabilities
	// (B·H·Lq·Lk floats) and references to the inputs, which must not be
	// modified until Backward has run.
	ForBackward bool
}

// tiled reports whether o selects the tiled kernel, and panics if o asks the
// tiled kernel for probabilities it never stores.
func (o Options) tiled() bool {
	needProbs := o.Weights != NoWeights || o.ForBackward
	switch o.Kernel {
	case AutoKernel:
		return !needProbs
	case PlainKernel:
		return false
	case TiledKernel:
		if needProbs {
			panic("attention: TiledKernel cannot return weights or record for Backward")
		}
		return true
	}
	panic(fmt.Sprintf("attention: unknown Kernel %d", o.Kernel))
}

// run executes p with the kernel o selects, allocating the probabilities
// when they are needed.
func (o Options) run(p *problem) {
	if o.tiled() {
		p.runTiled()
		return
	}
	if o.Weights != NoWeights || o.ForBackward {
		p.probs = make([]float32, p.batch*p.nHeads*p.lq()*p.lk())
	}
	p.runPlain()
}

// weights returns the weights o asks for from p's probabilities, or nil.
func (o Options) weights(p *problem) []float32 {
	switch o.Weights {
	case PerHeadWeights:
		return p.probs
	case AveragedWeights:
		pair := p.lq() * p.lk()
		avg := make([]float32, p.batch*pair)
		inv := 1 / float32(p.nHeads)
		for b := range p.batch {
			dst := avg[b*pair : (b+1)*pair]
			for h := range p.nHeads {
				for i, v := range p.probs[(b*p.nHeads+h)*pair:][:pair] {
					dst[i] += v
				}
			}
			for i := range dst {
				dst[i] *= inv
			}
		}
		return avg
	}
	return nil
}
