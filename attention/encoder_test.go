package attention_test

import (
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

func TestEncoderBlockMatchesPyTorch(t *testing.T) {
	var golden struct {
		Cases []struct {
			Activation string              `json:"activation"`
			EmbedDim   int                 `json:"embed_dim"`
			NumHeads   int                 `json:"num_heads"`
			FFDim      int                 `json:"ff_dim"`
			State      map[string]flatJSON `json:"state"`
			X          flatJSON            `json:"x"`
			AllowKeys  *bools              `json:"allow_keys"`
			Out        flatJSON            `json:"out"`
			Probe      flatJSON            `json:"probe"`
			GradX      flatJSON            `json:"grad_x"`
			Grads      map[string]flatJSON `json:"grads"`
		} `json:"cases"`
	}
	readGolden(t, "encoder.json", &golden)
	for _, c := range golden.Cases {
		t.Run(c.Activation, func(t *testing.T) {
			blk := attention.NewEncoderBlock(attention.BlockConfig{
				EmbedDim: c.EmbedDim, NumHeads: c.NumHeads, FFDim: c.FFDim, GELU: c.Activation == "gelu",
			}, nil)
			if err := blk.LoadState(stateOf(t, c.State)); err != nil {
				t.Fatal(err)
			}
			y, _ := blk.Forward(c.X.tensor(t), attention.Mask{AllowKeys: c.AllowKeys.tensor()}, attention.Options{ForBackward: true})
			assertClose(t, "out", data(y), c.Out.floats(t), 1e-5)
			dx := blk.Backward(c.Probe.tensor(t))
			assertClose(t, "grad x", data(dx), c.GradX.floats(t), 1e-5)
			for _, p := range blk.Parameters() {
				assertClose(t, "grad "+p.Name, data(p.Grad), c.Grads[p.Name].floats(t), 1e-5)
			}
		})
	}
}

func TestEncoderBlockGradients(t *testing.T) {
	rng := nn.NewRand(51)
	blk := attention.NewEncoderBlock(attention.BlockConfig{EmbedDim: 8, NumHeads: 2, FFDim: 12, GELU: true, Rotary: &attention.Rotary{}}, rng)
	for _, p := range blk.Parameters() { // move LayerNorm off its identity start
		for i := range data(p.Value) {
			data(p.Value)[i] += 0.1 * float32(rng.NormFloat64())
		}
	}
	const b, l = 2, 5
	x := randTensor(rng, b, l, 8)
	mask := attention.Mask{Causal: true}
	loss, probe := nn.ProbeLoss(b*l, 8, rng)
	forward := func() float64 {
		y, _ := blk.Forward(x, mask, attention.Options{})
		return loss(nn.MatFrom(b*l, 8, data(y)))
	}
	blk.ZeroGrad()
	blk.Forward(x, mask, attention.Options{ForBackward: true})
	dx := blk.Backward(tensor.New(tensor.WithShape(b, l, 8), tensor.WithBacking(probe.Data)))
	check := nn.GradCheck{Step: 1e-2, Samples: 30, Rand: rng}
	if r := check.CheckGradient(forward, data(x), data(dx)); r.MaxRelErr > 2e-2 {
		t.Errorf("dx: max relative error %.3g", r.MaxRelErr)
	}
	for _, p := range blk.Parameters() {
		if r := check.CheckGradient(forward, data(p.Value), data(p.Grad)); r.MaxRelErr > 2e-2 {
			t.Errorf("d%s: max relative error %.3g", p.Name, r.MaxRelErr)
		}
	}
}
