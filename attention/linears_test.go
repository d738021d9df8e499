package attention_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// shifted is a layer put in place of a projection in these tests: the
// wrapped Dense plus a trainable offset, y = x Wᵀ + b + c.
type shifted struct {
	base *nn.Dense
	c    *nn.Param
}

func newShifted(child nn.Layer, rng func(...int) *tensor.Dense) *shifted {
	d := child.(*nn.Dense)
	return &shifted{base: d, c: nn.NewParam("c", nn.MatFrom(1, d.Out(), data(rng(1, d.Out()))))}
}

func (s *shifted) Forward(x *nn.Mat, train bool) *nn.Mat {
	y := s.base.Forward(x, train)
	for r := range y.Rows {
		for j, v := range s.c.Value.Data {
			y.Row(r)[j] += v
		}
	}
	return y
}

func (s *shifted) Backward(dy *nn.Mat) *nn.Mat {
	for r := range dy.Rows {
		for j, v := range dy.Row(r) {
			s.c.Grad.Data[j] += v
		}
	}
	return s.base.Backward(dy)
}

func (s *shifted) Params() []*nn.Param { return append(s.base.Params(), s.c) }

func childNames(cs []nn.Child) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

func child(cs []nn.Child, name string) nn.Layer {
	for _, c := range cs {
		if c.Name == name {
			return c.Layer
		}
	}
	return nil
}

func param(ps []attention.Parameter, name string) []float32 {
	for _, p := range ps {
		if p.Name == name {
			return data(p.Value)
		}
	}
	return nil
}

// The linear layers are listed by PyTorch-style paths, and q_proj, k_proj
// and v_proj are views of the row blocks of in_proj_weight.
func TestChildrenAreTheLinearLayers(t *testing.T) {
	m := attention.NewMultiHead(attention.Config{EmbedDim: 4, NumHeads: 2}, nil)
	if got, want := childNames(m.Children()), []string{"q_proj", "k_proj", "v_proj", "out_proj"}; !slices.Equal(got, want) {
		t.Errorf("MultiHead children %q, want %q", got, want)
	}
	inProj := param(m.Parameters(), "in_proj_weight")
	for i, name := range []string{"q_proj", "k_proj", "v_proj"} {
		w := child(m.Children(), name).(*nn.Dense).W.Value
		if w.Rows != 4 || w.Cols != 4 || &w.Data[0] != &inProj[i*16] {
			t.Errorf("%s is not rows %d… of in_proj_weight", name, 4*i)
		}
	}
	blk := attention.NewEncoderBlock(attention.BlockConfig{EmbedDim: 4, NumHeads: 2, FFDim: 8}, nil)
	want := []string{"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "linear1", "linear2"}
	if got := childNames(blk.Children()); !slices.Equal(got, want) {
		t.Errorf("EncoderBlock children %q, want %q", got, want)
	}
	tagger := attention.NewTagger(attention.TaggerConfig{Vocab: 5, Classes: 3, EmbedDim: 4, NumHeads: 2, FFDim: 8, Layers: 2}, nil)
	names := childNames(tagger.Children())
	if len(names) != 13 || names[0] != "layers.0.self_attn.q_proj" || names[6] != "layers.1.self_attn.q_proj" || names[12] != "head" {
		t.Errorf("Tagger children %q", names)
	}
	var total int
	for _, p := range tagger.Parameters() {
		total += p.Value.Shape().TotalSize()
	}
	if _, n := nn.CountParams(tagger.Params()); n != total {
		t.Errorf("Params holds %d values, the state_dict %d", n, total)
	}
}

// A layer set in place of a projection runs in Forward (inference and
// training paths), adds its parameters to Params, receives gradients, and
// frozen packed weights get none, as in PyTorch.
func TestSetChildReplacesAProjection(t *testing.T) {
	rng := nn.NewRand(5)
	random := func(s ...int) *tensor.Dense { return randTensor(rng, s...) }
	for _, path := range []string{"q_proj", "v_proj", "out_proj"} {
		t.Run(path, func(t *testing.T) {
			m := attention.NewMultiHead(attention.Config{EmbedDim: 6, NumHeads: 2}, rng)
			q, k, v := random(2, 3, 6), random(2, 4, 6), random(2, 4, 6)
			before, _ := m.Forward(q, k, v, attention.Mask{}, attention.Options{})
			before = before.Clone().(*tensor.Dense)
			base := child(m.Children(), path)
			s := newShifted(base, random)
			if !m.SetChild(path, s) || m.SetChild("self_attn", s) {
				t.Fatal("SetChild found the wrong layers")
			}
			if ps := m.Params(); len(ps) != len(m.Parameters())+1 || ps[len(ps)-1] != s.c {
				t.Fatalf("Params does not end with the replacement's own parameter")
			}
			for _, p := range m.Params() {
				p.Frozen = p != s.c
			}
			after, _ := m.Forward(q, k, v, attention.Mask{}, attention.Options{})
			if slices.Equal(data(before), data(after)) {
				t.Fatal("the replacement does not run in inference")
			}
			loss, probe := nn.ProbeLoss(6, 6, rng)
			forward := func() float64 {
				out, _ := m.Forward(q, k, v, attention.Mask{}, attention.Options{})
				return loss(nn.MatFrom(6, 6, data(out)))
			}
			m.ZeroGrad()
			m.Forward(q, k, v, attention.Mask{}, attention.Options{ForBackward: true})
			m.Backward(tensor.New(tensor.WithShape(2, 3, 6), tensor.WithBacking(probe.Data)))
			r := nn.GradCheck{Step: 1e-2, Samples: 6, Rand: rng}.CheckGradient(forward, s.c.Value.Data, s.c.Grad.Data)
			if r.MaxRelErr > 1e-2 {
				t.Errorf("dc: max relative error %.3g", r.MaxRelErr)
			}
			for _, p := range m.Parameters() {
				if slices.ContainsFunc(data(p.Grad), func(g float32) bool { return g != 0 }) {
					t.Errorf("frozen %s has a gradient", p.Name)
				}
			}
			m.SetChild(path, base)
			restored, _ := m.Forward(q, k, v, attention.Mask{}, attention.Options{})
			if !slices.Equal(data(before), data(restored)) || len(m.Params()) != len(m.Parameters()) {
				t.Error("setting the original layer back does not restore the module")
			}
		})
	}
}

// Fit trains only what is not frozen: with everything but the head frozen,
// the rest of the model stays bit-identical.
func TestFitTrainsOnlyUnfrozenParameters(t *testing.T) {
	rng := nn.NewRand(3)
	m := attention.NewTagger(attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 8, NumHeads: 2, FFDim: 16, Layers: 1}, rng)
	x, y := attention.ReverseDigits(64, 5, rng)
	for _, p := range m.Params() {
		p.Frozen = true
	}
	for _, p := range child(m.Children(), "head").Params() {
		p.Frozen = false
	}
	before := map[string][]float32{}
	for _, p := range m.Parameters() {
		before[p.Name] = slices.Clone(data(p.Value))
	}
	if _, err := m.Fit(context.Background(), x, y, attention.FitOptions{Epochs: 2, BatchSize: 16, LR: 1e-2}); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Parameters() {
		changed := !slices.Equal(before[p.Name], data(p.Value))
		if head := p.Name == "head.weight" || p.Name == "head.bias"; changed != head {
			t.Errorf("%s: changed %v", p.Name, changed)
		}
		if p.Name != "head.weight" && p.Name != "head.bias" && slices.ContainsFunc(data(p.Grad), func(g float32) bool { return g != 0 }) {
			t.Errorf("frozen %s has a gradient", p.Name)
		}
	}
}
