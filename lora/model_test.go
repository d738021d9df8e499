package lora

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
)

func newReLU() nn.Layer { return &nn.ReLU{} }

func TestTargetModulesFollowPEFTMatching(t *testing.T) {
	// 0: Dense, 1: ReLU, 2: Sequential{0: Dense, 1: ReLU, 2: Dense}, 3: Dense
	build := func() *nn.Sequential {
		rng := nn.NewRand(1)
		inner := &nn.Sequential{Layers: []nn.Layer{nn.NewDense(8, 8, rng), &nn.ReLU{}, nn.NewDense(8, 8, rng)}}
		return &nn.Sequential{Layers: []nn.Layer{nn.NewDense(4, 8, rng), &nn.ReLU{}, inner, nn.NewDense(8, 3, rng)}}
	}
	cases := []struct {
		name  string
		cfg   Config
		want  []string
		error error
	}{
		{"exact names", Config{TargetModules: []string{"3", "2.0"}}, []string{"2.0", "3"}, nil},
		{"suffix matches nested", Config{TargetModules: []string{"0"}}, []string{"0", "2.0"}, nil},
		{"regex full match", Config{TargetRegex: `2\.[02]`}, []string{"2.0", "2.2"}, nil},
		{"regex must match whole path", Config{TargetRegex: `[03]`}, []string{"0", "3"}, nil},
		{"regex matching a ReLU", Config{TargetRegex: `2\.\d`}, nil, ErrNoTarget},
		{"no match", Config{TargetModules: []string{"q_proj"}}, nil, ErrNoTarget},
		{"not a Dense", Config{TargetModules: []string{"1"}}, nil, ErrNoTarget},
		{"no targets", Config{}, nil, ErrConfig},
		{"bad regex", Config{TargetRegex: "("}, nil, ErrConfig},
		{"dropout 1", Config{TargetModules: []string{"0"}, Dropout: 1}, nil, ErrConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.R = 2
			m, err := New(build(), c.cfg)
			if c.error != nil {
				require.ErrorIs(t, err, c.error)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, l := range m.layers {
				got = append(got, l.path)
			}
			require.ElementsMatch(t, c.want, got)
		})
	}
}

func TestNamedParamsArePEFTNames(t *testing.T) {
	base := nn.NewMLP([]int{4, 3, 2}, newReLU, nn.NewRand(1))
	m, err := New(base, Config{R: 1, TargetModules: []string{"0"}})
	require.NoError(t, err)
	require.NoError(t, m.AddAdapter("other", Config{R: 2, TargetModules: []string{"0"}}))
	var names []string
	for _, np := range nn.NamedParams(m) {
		names = append(names, np.Path)
	}
	require.Equal(t, []string{
		"base_model.model.0.base_layer.weight", "base_model.model.0.base_layer.bias",
		"base_model.model.0.lora_A.default.weight", "base_model.model.0.lora_A.other.weight",
		"base_model.model.0.lora_B.default.weight", "base_model.model.0.lora_B.other.weight",
		"base_model.model.2.weight", "base_model.model.2.bias",
	}, names)
}

func TestTrainableParametersReportsLikePEFT(t *testing.T) {
	base := nn.NewMLP([]int{784, 512, 512, 10}, newReLU, nn.NewRand(1))
	full := TrainableParameters(base)
	require.Equal(t, Report{Trainable: 669706, Total: 669706}, full)
	m, err := New(base, Config{R: 8, TargetModules: []string{"0", "2", "4"}})
	require.NoError(t, err)
	r := TrainableParameters(m)
	// r·(in+out) per layer: 8·(784+512) + 8·(512+512) + 8·(512+10).
	require.Equal(t, Report{Trainable: 22736, Total: 669706 + 22736}, r)
	require.Equal(t, "trainable params: 22,736 || all params: 692,442 || trainable%: 3.2835", r.String())
}

func TestAdaptersSwitchAndDisable(t *testing.T) {
	base := nn.NewMLP([]int{16, 12, 5}, newReLU, nn.NewRand(2))
	x := randMat(6, 16, 3)
	baseOut := base.Forward(x, false).Clone()
	m, err := New(base, Config{R: 2, TargetModules: []string{"0"}, Rand: nn.NewRand(4)})
	require.NoError(t, err)
	require.NoError(t, m.AddAdapter("head", Config{R: 3, Alpha: 3, TargetModules: []string{"2"}, Rand: nn.NewRand(5)}))
	require.ErrorIs(t, m.AddAdapter("head", Config{TargetModules: []string{"2"}}), ErrAdapter)
	require.Equal(t, []string{DefaultAdapter, "head"}, m.Adapters())
	require.Equal(t, DefaultAdapter, m.ActiveAdapter())
	// Give both adapters non-zero B so they change the output.
	for _, l := range m.layers {
		for _, a := range l.l.adapters {
			for i := range a.b.W.Value.Data {
				a.b.W.Value.Data[i] = 0.3
			}
		}
	}
	trainable := func() []string {
		var out []string
		for _, np := range nn.NamedParams(m) {
			if !np.Param.Frozen {
				out = append(out, np.Path)
			}
		}
		return out
	}
	require.Equal(t, []string{"base_model.model.0.lora_A.default.weight", "base_model.model.0.lora_B.default.weight"}, trainable())
	withDefault := m.Forward(x, false).Clone()
	require.Greater(t, maxDiff(baseOut.Data, withDefault.Data), 1e-3)

	require.NoError(t, m.SetAdapter("head"))
	require.Equal(t, []string{"base_model.model.2.lora_A.head.weight", "base_model.model.2.lora_B.head.weight"}, trainable())
	withHead := m.Forward(x, false).Clone()
	require.Greater(t, maxDiff(withDefault.Data, withHead.Data), 1e-3)
	require.ErrorIs(t, m.SetAdapter("nope"), ErrAdapter)

	m.DisableAdapters()
	require.Equal(t, baseOut.Data, m.Forward(x, false).Data, "disabled: exactly the base model")
	m.EnableAdapters()
	require.Equal(t, withHead.Data, m.Forward(x, false).Data)
	require.NoError(t, m.SetAdapter(DefaultAdapter))
	require.Equal(t, withDefault.Data, m.Forward(x, false).Data)
}

func TestTrainingChangesOnlyTheAdapter(t *testing.T) {
	digits := datasets.Digits()
	x := nn.MatFrom(digits.N, digits.Dim(), digits.X)
	base := nn.NewMLP([]int{64, 32, 10}, newReLU, nn.NewRand(1))
	frozen := map[string][]float32{}
	for _, np := range nn.NamedParams(base) {
		frozen[np.Path] = append([]float32{}, np.Param.Value.Data...)
	}
	m, err := New(base, Config{R: 4, Alpha: 8, Dropout: 0.1, TargetModules: []string{"0", "2"}, Rand: nn.NewRand(2)})
	require.NoError(t, err)
	var first float64
	last, err := nn.TrainClassifier(context.Background(), m, x, digits.Y, nn.TrainOptions{
		Epochs: 3, BatchSize: 64, Optimizer: nn.NewAdam(1e-2), Rand: nn.NewRand(3),
		OnEpoch: func(epoch int, loss float64) {
			if epoch == 0 {
				first = loss
			}
		}})
	require.NoError(t, err)
	require.Less(t, last, first, "the adapter learns")
	for _, np := range nn.NamedParams(m) {
		// "base_model.model.0.base_layer.weight" was "0.weight" in the base.
		basePath := strings.Replace(strings.TrimPrefix(np.Path, basePrefix+"."), "base_layer.", "", 1)
		if before, ok := frozen[basePath]; ok {
			require.True(t, np.Param.Frozen, np.Path)
			require.Equal(t, before, np.Param.Value.Data, "%s is bit-identical after training", np.Path)
			require.Zero(t, maxAbs(np.Param.Grad.Data), "%s gets no gradient", np.Path)
		} else {
			require.False(t, np.Param.Frozen, np.Path)
			require.Greater(t, maxAbs(np.Param.Grad.Data), 0.0, "%s trained", np.Path)
		}
	}
}
