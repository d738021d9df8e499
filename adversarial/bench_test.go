package adversarial

import (
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
)

func newReLUMLP(sizes []int, seed uint64) *nn.Sequential {
	return nn.NewMLP(sizes, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(seed))
}

// BenchmarkPGD10MNIST is the speed target: PGD-10 (ε = 0.1, α = 0.01,
// random start) over MNIST's 10,000 test images against a 784-512-512-10
// MLP. scripts/bench/adversarial.sh runs it beside the PyTorch peer.
func BenchmarkPGD10MNIST(b *testing.B) {
	m, err := datasets.MNIST("")
	if err != nil {
		b.Skipf("MNIST not available (%v): see internal/datasets", err)
	}
	model := FromLayer(newReLUMLP([]int{784, 512, 512, 10}, 1))
	x := nn.MatFrom(m.N, m.Dim(), m.X)
	attack := PGD{Epsilon: 0.1, Step: 0.01, Steps: 10, RandomStart: true, Rand: nn.NewRand(2)}
	for b.Loop() {
		if _, err := attack.Perturb(context.Background(), model, x, m.Y); err != nil {
			b.Fatal(err)
		}
	}
}
