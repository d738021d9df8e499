package lora

import (
	"testing"

	"gorgonia.org/tensor"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
)

// benchmarkStep times one Adam training step of the roadmap's
// 784-512-512-10 MLP on a batch of 128, fully fine-tuned (r = 0) or with
// LoRA adapters of rank r on its three layers.
func benchmarkStep(b *testing.B, r int) {
	mlp := nn.NewMLP([]int{784, 512, 512, 10}, newReLU, nn.NewRand(1))
	var model nn.Layer = mlp
	if r > 0 {
		m, err := New(mlp, Config{R: r, Alpha: 2 * float64(r), TargetModules: []string{"0", "2", "4"}})
		if err != nil {
			b.Fatal(err)
		}
		model = m
	}
	x := randMat(128, 784, 2)
	labels := make([]int, 128)
	for i := range labels {
		labels[i] = i % 10
	}
	opt := nn.NewAdam(1e-3)
	params := model.Params()
	b.ResetTimer()
	for b.Loop() {
		nn.ZeroGrad(params)
		_, d := nn.CrossEntropy(model.Forward(x, true), labels, 0)
		model.Backward(d)
		opt.Step(params)
	}
}

func BenchmarkTrainStepFull(b *testing.B)  { benchmarkStep(b, 0) }
func BenchmarkTrainStepLoRA1(b *testing.B) { benchmarkStep(b, 1) }
func BenchmarkTrainStepLoRA8(b *testing.B) { benchmarkStep(b, 8) }

// BenchmarkForward compares inference with the adapter as a side branch and
// merged into W₀ (batch 128).
func BenchmarkForward(b *testing.B) {
	m, err := New(nn.NewMLP([]int{784, 512, 512, 10}, newReLU, nn.NewRand(1)), Config{R: 8, TargetModules: []string{"0", "2", "4"}})
	if err != nil {
		b.Fatal(err)
	}
	x := randMat(128, 784, 2)
	b.Run("unmerged", func(b *testing.B) {
		for b.Loop() {
			m.Forward(x, false)
		}
	})
	m.Merge()
	b.Run("merged", func(b *testing.B) {
		for b.Loop() {
			m.Forward(x, false)
		}
	})
}

// benchmarkAttentionStep times one Adam training step of a pre-LayerNorm
// transformer encoder block (E = 256, 4 heads, feed-forward 1024) on a
// batch of 8 sequences of 64 tokens: fully fine-tuned (r = 0), or with LoRA
// adapters of rank r on the query and value projections only.
func benchmarkAttentionStep(b *testing.B, r int) {
	const batch, length, e = 8, 64, 256
	blk := attention.NewEncoderBlock(attention.BlockConfig{EmbedDim: e, NumHeads: 4, FFDim: 4 * e}, nn.NewRand(1))
	if r > 0 {
		if _, err := New(blk, Config{R: r, Alpha: 2 * float64(r), TargetModules: []string{"q_proj", "v_proj"}}); err != nil {
			b.Fatal(err)
		}
	}
	x := tensor.New(tensor.WithShape(batch, length, e), tensor.WithBacking(randMat(batch*length, e, 2).Data))
	dy := tensor.New(tensor.WithShape(batch, length, e), tensor.WithBacking(randMat(batch*length, e, 3).Data))
	opt := nn.NewAdam(1e-3)
	params := blk.Params()
	b.ResetTimer()
	for b.Loop() {
		nn.ZeroGrad(params)
		blk.Forward(x, attention.Mask{}, attention.Options{ForBackward: true})
		blk.Backward(dy)
		opt.Step(params)
	}
}

func BenchmarkAttentionStepFull(b *testing.B)  { benchmarkAttentionStep(b, 0) }
func BenchmarkAttentionStepLoRA8(b *testing.B) { benchmarkAttentionStep(b, 8) }
