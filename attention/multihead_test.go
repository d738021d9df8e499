package attention_test

import (
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// TestMultiHeadGradients checks the backward pass for the query, key and
// value inputs and every parameter against central differences.
func TestMultiHeadGradients(t *testing.T) {
	cases := []struct {
		name     string
		cfg      attention.Config
		self     bool
		lq, lk   int
		makeMask func(rng func(...int) *tensor.Dense) attention.Mask
		rotary   bool
	}{
		{name: "self causal", cfg: attention.Config{EmbedDim: 8, NumHeads: 2}, self: true, lq: 4, lk: 4,
			makeMask: func(func(...int) *tensor.Dense) attention.Mask { return attention.Mask{Causal: true} }},
		{name: "self rotary", cfg: attention.Config{EmbedDim: 8, NumHeads: 2, Rotary: &attention.Rotary{}}, self: true, lq: 5, lk: 5},
		{name: "cross kdim vdim masks", cfg: attention.Config{EmbedDim: 6, NumHeads: 3, KDim: 5, VDim: 4}, lq: 3, lk: 5,
			makeMask: func(r func(...int) *tensor.Dense) attention.Mask {
				keys := tensor.New(tensor.WithShape(2, 5), tensor.WithBacking([]bool{true, true, false, true, true, true, true, true, true, false}))
				allow := tensor.New(tensor.WithShape(3, 5), tensor.WithBacking([]bool{
					true, true, true, true, true, false, false, false, false, false, true, false, true, false, true}))
				return attention.Mask{AllowKeys: keys, Allow: allow, Bias: r(2, 3, 3, 5)}
			}},
		{name: "no bias", cfg: attention.Config{EmbedDim: 4, NumHeads: 1, NoBias: true}, lq: 3, lk: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := nn.NewRand(21)
			m := attention.NewMultiHead(c.cfg, rng)
			cfg := m.Config()
			const batch = 2
			q := randTensor(rng, batch, c.lq, cfg.EmbedDim)
			k, v := q, q
			if !c.self {
				k, v = randTensor(rng, batch, c.lk, cfg.KDim), randTensor(rng, batch, c.lk, cfg.VDim)
			}
			var mask attention.Mask
			if c.makeMask != nil {
				mask = c.makeMask(func(s ...int) *tensor.Dense { return randTensor(rng, s...) })
			}
			loss, probe := nn.ProbeLoss(batch*c.lq, cfg.EmbedDim, rng)
			forward := func() float64 {
				out, _ := m.Forward(q, k, v, mask, attention.Options{Kernel: attention.PlainKernel})
				return loss(nn.MatFrom(batch*c.lq, cfg.EmbedDim, data(out)))
			}
			m.ZeroGrad()
			m.Forward(q, k, v, mask, attention.Options{ForBackward: true})
			dq, dk, dv := m.Backward(tensor.New(tensor.WithShape(batch, c.lq, cfg.EmbedDim), tensor.WithBacking(probe.Data)))
			inputs := []struct {
				name    string
				x, grad []float32
				own     bool // a tensor of its own, not the query reused
			}{{"query", data(q), data(dq), true}, {"key", data(k), data(dk), !c.self}, {"value", data(v), data(dv), !c.self}}
			if c.self { // one tensor used three times: its gradient is the sum
				sum := make([]float32, len(data(dq)))
				for i := range sum {
					sum[i] = data(dq)[i] + data(dk)[i] + data(dv)[i]
				}
				inputs[0].grad = sum
			}
			check := nn.GradCheck{Step: 1e-2, Samples: 40, Rand: rng}
			for _, in := range inputs {
				if !in.own {
					continue
				}
				r := check.CheckGradient(forward, in.x, in.grad)
				if r.MaxRelErr > 2e-2 {
					t.Errorf("d%s: max relative error %.3g at %d (abs %.3g)", in.name, r.MaxRelErr, r.Worst, r.MaxAbsErr)
				}
			}
			for _, p := range m.Parameters() {
				r := check.CheckGradient(forward, data(p.Value), data(p.Grad))
				if r.MaxRelErr > 2e-2 {
					t.Errorf("d%s: max relative error %.3g at %d (abs %.3g)", p.Name, r.MaxRelErr, r.Worst, r.MaxAbsErr)
				}
			}
		})
	}
}
