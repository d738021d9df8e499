package attention_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"gorgonia.org/tensor"
)

// flatJSON is a tensor as scripts/golden/attention.py writes it; masks hold
// booleans, everything else numbers.
type flatJSON struct {
	Shape []int           `json:"shape"`
	Data  json.RawMessage `json:"data"`
}

func (f flatJSON) floats(t *testing.T) []float32 {
	t.Helper()
	var v []float32
	if err := json.Unmarshal(f.Data, &v); err != nil {
		t.Fatalf("decode floats: %v", err)
	}
	return v
}

func (f flatJSON) tensor(t *testing.T) *tensor.Dense {
	return tensor.New(tensor.WithShape(f.Shape...), tensor.WithBacking(f.floats(t)))
}

// bools is a boolean tensor (a mask in this package's convention).
type bools struct {
	Shape []int  `json:"shape"`
	Data  []bool `json:"data"`
}

func (b *bools) tensor() *tensor.Dense {
	if b == nil {
		return nil
	}
	return tensor.New(tensor.WithShape(b.Shape...), tensor.WithBacking(b.Data))
}

func stateOf(t *testing.T, s map[string]flatJSON) map[string]attention.Flat {
	out := map[string]attention.Flat{}
	for k, v := range s {
		out[k] = attention.Flat{Shape: v.Shape, Data: v.floats(t)}
	}
	return out
}

func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/golden/attention.py)", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// assertClose fails unless |got − want| ≤ tol·(1 + |want|) everywhere.
func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		d := math.Abs(float64(got[i])-float64(want[i])) / (1 + math.Abs(float64(want[i])))
		if d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s[%d] = %v, want %v (scaled error %.2g > %.0g)", what, at, got[at], want[at], worst, tol)
	}
}

func data(t *tensor.Dense) []float32 { return t.Data().([]float32) }

type mhaCase struct {
	Name           string              `json:"name"`
	EmbedDim       int                 `json:"embed_dim"`
	NumHeads       int                 `json:"num_heads"`
	KDim           int                 `json:"kdim"`
	VDim           int                 `json:"vdim"`
	HasBias        bool                `json:"bias"`
	SelfAttention  bool                `json:"self_attention"`
	AverageWeights bool                `json:"average_weights"`
	State          map[string]flatJSON `json:"state"`
	Query          flatJSON            `json:"query"`
	Key            flatJSON            `json:"key"`
	Value          flatJSON            `json:"value"`
	Allow          *bools              `json:"allow"`
	AllowKeys      *bools              `json:"allow_keys"`
	Bias           *flatJSON           `json:"attn_bias"`
	Out            flatJSON            `json:"out"`
	Weights        flatJSON            `json:"weights"`
	Probe          flatJSON            `json:"probe"`
	GradQuery      flatJSON            `json:"grad_query"`
	GradKey        flatJSON            `json:"grad_key"`
	GradValue      flatJSON            `json:"grad_value"`
	Grads          map[string]flatJSON `json:"grads"`
}

// mask returns the case's masks, which the golden script converted from
// PyTorch's convention (true = blocked) to this package's (true = allowed).
func (c mhaCase) mask(t *testing.T) attention.Mask {
	m := attention.Mask{Allow: c.Allow.tensor(), AllowKeys: c.AllowKeys.tensor()}
	if c.Bias != nil {
		m.Bias = c.Bias.tensor(t)
	}
	return m
}

func TestMultiHeadMatchesPyTorch(t *testing.T) {
	var golden struct {
		Cases []mhaCase `json:"cases"`
	}
	readGolden(t, "multihead.json", &golden)
	for _, c := range golden.Cases {
		for _, kernel := range []attention.Kernel{attention.PlainKernel, attention.AutoKernel} {
			t.Run(fmt.Sprintf("%s/kernel=%d", c.Name, kernel), func(t *testing.T) {
				m := attention.NewMultiHead(attention.Config{
					EmbedDim: c.EmbedDim, NumHeads: c.NumHeads, KDim: c.KDim, VDim: c.VDim, NoBias: !c.HasBias,
				}, nil)
				if err := m.LoadState(stateOf(t, c.State)); err != nil {
					t.Fatal(err)
				}
				q := c.Query.tensor(t)
				k, v := q, q
				if !c.SelfAttention {
					k, v = c.Key.tensor(t), c.Value.tensor(t)
				}
				opt := attention.Options{Kernel: kernel, Weights: attention.PerHeadWeights}
				if c.AverageWeights {
					opt.Weights = attention.AveragedWeights
				}
				if kernel == attention.AutoKernel {
					opt.Weights = attention.NoWeights
				}
				opt.ForBackward = kernel == attention.PlainKernel
				out, w := m.Forward(q, k, v, c.mask(t), opt)
				assertClose(t, "out", data(out), c.Out.floats(t), 1e-5)
				if kernel == attention.AutoKernel {
					return
				}
				if !tensor.Shape(c.Weights.Shape).Eq(w.Shape()) {
					t.Fatalf("weights shape %v, want %v", w.Shape(), c.Weights.Shape)
				}
				assertClose(t, "weights", data(w), c.Weights.floats(t), 1e-5)

				dq, dk, dv := m.Backward(c.Probe.tensor(t))
				if c.SelfAttention {
					sum := data(dq)
					for i := range sum {
						sum[i] += data(dk)[i] + data(dv)[i]
					}
					assertClose(t, "grad query", sum, c.GradQuery.floats(t), 1e-5)
				} else {
					assertClose(t, "grad query", data(dq), c.GradQuery.floats(t), 1e-5)
					assertClose(t, "grad key", data(dk), c.GradKey.floats(t), 1e-5)
					assertClose(t, "grad value", data(dv), c.GradValue.floats(t), 1e-5)
				}
				params := m.Parameters()
				if len(params) != len(c.Grads) {
					t.Fatalf("%d parameters, PyTorch has %d", len(params), len(c.Grads))
				}
				for _, p := range params {
					want, ok := c.Grads[p.Name]
					if !ok {
						t.Fatalf("parameter %s is not in PyTorch's module", p.Name)
					}
					assertClose(t, "grad "+p.Name, data(p.Grad), want.floats(t), 1e-5)
				}
			})
		}
	}
}
