package adversarial

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/stretchr/testify/require"
)

// torchAttacks is testdata/torch_attacks.json, written by
// scripts/golden/adversarial.py.
type torchAttacks struct {
	W1, B1, W2, B2 []float32
	Sizes          []int
	X              []float32
	Labels         []int
	Targets        []int
	InputGrad      []float32 `json:"input_grad"`
	Cases          []struct {
		Name, Norm, Kind string
		Epsilon, Step    float64
		Steps            int
		Targeted         bool
		Start            []float32
		Adversarial      []float32
	}
}

func loadTorchAttacks(t *testing.T) torchAttacks {
	b, err := os.ReadFile("testdata/torch_attacks.json")
	require.NoError(t, err)
	var g torchAttacks
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

// goldenMLP is the fixed 64-32-10 ReLU network of the golden file.
func goldenMLP(g torchAttacks) *nn.Sequential {
	in, hid, out := g.Sizes[0], g.Sizes[1], g.Sizes[2]
	return &nn.Sequential{Layers: []nn.Layer{
		&nn.Dense{W: nn.NewParam("weight", nn.MatFrom(hid, in, g.W1)), B: nn.NewParam("bias", nn.MatFrom(1, hid, g.B1))},
		&nn.ReLU{},
		&nn.Dense{W: nn.NewParam("weight", nn.MatFrom(out, hid, g.W2)), B: nn.NewParam("bias", nn.MatFrom(1, out, g.B2))},
	}}
}

func TestInputGradientMatchesPyTorch(t *testing.T) {
	g := loadTorchAttacks(t)
	x := nn.MatFrom(len(g.Labels), g.Sizes[0], g.X)
	_, grad := FromLayer(goldenMLP(g)).InputGradient(x, crossEntropyGrad(g.Labels))
	require.InDeltaSlice(t, g.InputGrad, grad.Data, 1e-6)
	for i := 0; i < x.Rows; i++ {
		require.Zero(t, grad.At(i, 5), "input 5 has zero weights, so its gradient is exactly 0")
	}
}

func TestAttacksMatchPyTorch(t *testing.T) {
	g := loadTorchAttacks(t)
	model := FromLayer(goldenMLP(g))
	x := nn.MatFrom(len(g.Labels), g.Sizes[0], g.X)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			labels := g.Labels
			if c.Targeted {
				labels = g.Targets
			}
			var a Attack
			switch c.Kind {
			case "fgsm":
				a = FGSM{Epsilon: c.Epsilon, Targeted: c.Targeted}
			case "pgd":
				p := PGD{Epsilon: c.Epsilon, Step: c.Step, Steps: c.Steps, Targeted: c.Targeted}
				if c.Norm == "l2" {
					p.Norm = L2
				}
				if c.Start != nil {
					p.Start = nn.MatFrom(x.Rows, x.Cols, c.Start)
				}
				a = p
			}
			res, err := a.Perturb(context.Background(), model, x, labels)
			require.NoError(t, err)
			require.InDeltaSlice(t, c.Adversarial, res.X.Data, 1e-6)
		})
	}
}
