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

func BenchmarkCheckFinite(b *testing.B) {
	x := make([]float32, 64*1024)
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		if err := checkFinite("x", x); err != nil {
			b.Fatal(err)
		}
	}
}
