package attention_test

import (
	"fmt"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// rows returns positions [from, to) of every sequence of a (B, L, E) tensor
// as a new (B, to−from, E) tensor.
func rows(x *tensor.Dense, from, to int) *tensor.Dense {
	s := x.Shape()
	b, l, e := s[0], s[1], s[2]
	out := make([]float32, 0, b*(to-from)*e)
	for bi := range b {
		out = append(out, data(x)[(bi*l+from)*e:(bi*l+to)*e]...)
	}
	return tensor.New(tensor.WithShape(b, to-from, e), tensor.WithBacking(out))
}

// Decoding token by token with a KV cache must reproduce the full causal
// pass: the output for token t is row t of Forward with Mask{Causal: true}.
func TestDecodeMatchesFullCausalPass(t *testing.T) {
	for _, rotary := range []*attention.Rotary{nil, {Base: 500}} {
		t.Run(fmt.Sprintf("rotary=%v", rotary != nil), func(t *testing.T) {
			rng := nn.NewRand(31)
			m := attention.NewMultiHead(attention.Config{EmbedDim: 16, NumHeads: 4, Rotary: rotary}, rng)
			const batch, length, prompt = 3, 40, 5
			x := randTensor(rng, batch, length, 16)
			full, _ := m.Forward(x, x, x, attention.Mask{Causal: true}, attention.Options{})
			cache := m.NewCache(batch)
			got := m.Decode(rows(x, 0, prompt), cache)
			assertClose(t, "prompt", data(got), data(rows(full, 0, prompt)), 1e-5)
			for pos := prompt; pos < length; pos++ {
				got := m.Decode(rows(x, pos, pos+1), cache)
				assertClose(t, fmt.Sprintf("token %d", pos), data(got), data(rows(full, pos, pos+1)), 1e-5)
			}
			if cache.Len() != length {
				t.Fatalf("cache holds %d positions, want %d", cache.Len(), length)
			}
		})
	}
}

func TestDecodeNeedsSelfAttentionShapes(t *testing.T) {
	m := attention.NewMultiHead(attention.Config{EmbedDim: 8, NumHeads: 2, KDim: 4}, nil)
	mustPanic(t, "Decode", func() { m.Decode(randTensor(nn.NewRand(1), 1, 1, 8), m.NewCache(1)) })
	m = attention.NewMultiHead(attention.Config{EmbedDim: 8, NumHeads: 2}, nil)
	mustPanic(t, "cache of batch 2", func() { m.Decode(randTensor(nn.NewRand(1), 1, 1, 8), m.NewCache(2)) })
}
