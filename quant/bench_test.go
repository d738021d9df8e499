package quant

import (
	"context"
	"fmt"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
)

func benchModel(in, out int) (*nn.Sequential, *nn.Mat) {
	rng := nn.NewRand(1)
	model := &nn.Sequential{Layers: []nn.Layer{nn.NewDense(in, out, rng)}}
	x := nn.NewMat(64, in)
	nn.Uniform(x, -1, 1, rng)
	return model, x
}

// BenchmarkLinear1024 compares the float32 Dense forward with the dynamic
// and static int8 Linear, 1024 → 1024, at batch 1 and 64.
func BenchmarkLinear1024(b *testing.B) {
	model, x := benchModel(1024, 1024)
	dyn, err := QuantizeDynamic(model, DynamicOptions{})
	if err != nil {
		b.Fatal(err)
	}
	static, err := QuantizeStatic(context.Background(), model, x, StaticOptions{Observer: func() Observer { return &MinMax{} }})
	if err != nil {
		b.Fatal(err)
	}
	for _, batch := range []int{1, 64} {
		xb := nn.MatFrom(batch, 1024, x.Data[:batch*1024])
		b.Run(fmt.Sprintf("float32/batch=%d", batch), func(b *testing.B) {
			for b.Loop() {
				model.Forward(xb, false)
			}
		})
		b.Run(fmt.Sprintf("dynamic/batch=%d", batch), func(b *testing.B) {
			for b.Loop() {
				if _, err := dyn.Forward(xb); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("static/batch=%d", batch), func(b *testing.B) {
			for b.Loop() {
				if _, err := static.Forward(xb); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchData(n int) []float32 {
	rng := nn.NewRand(2)
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// BenchmarkObserve is one calibration batch of 64×1024 activations.
func BenchmarkObserve(b *testing.B) {
	x := benchData(64 * 1024)
	for name, newObs := range map[string]func() Observer{
		"minmax":     func() Observer { return &MinMax{} },
		"percentile": func() Observer { return &Percentile{} },
		"histogram":  func() Observer { return &Histogram{} },
	} {
		b.Run(name, func(b *testing.B) {
			o := newObs()
			for b.Loop() {
				if err := o.Observe(x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHistogramSearch is the L2 search over a calibrated histogram.
func BenchmarkHistogramSearch(b *testing.B) {
	o := &Histogram{}
	if err := o.Observe(benchData(1 << 16)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		o.Range()
	}
}

// BenchmarkQuantizeWeights quantises a 1024×1024 weight matrix per row.
func BenchmarkQuantizeWeights(b *testing.B) {
	w := nn.MatFrom(1024, 1024, benchData(1024*1024))
	for b.Loop() {
		if _, err := quantizeWeights(w, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQATStep is one training step of a 784-256-10 MLP under fake
// quantisation, batch 64.
func BenchmarkQATStep(b *testing.B) {
	rng := nn.NewRand(3)
	q, err := NewQAT(nn.NewMLP([]int{784, 256, 10}, func() nn.Layer { return &nn.ReLU{} }, rng), QATOptions{})
	if err != nil {
		b.Fatal(err)
	}
	x := nn.MatFrom(64, 784, benchData(64*784))
	labels := make([]int, 64)
	opt := nn.NewAdam(1e-4)
	for b.Loop() {
		nn.ZeroGrad(q.Params())
		_, dy := nn.CrossEntropy(q.Forward(x, true), labels, 0)
		q.Backward(dy)
		opt.Step(q.Params())
	}
}
