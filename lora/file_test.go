package lora

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/safetensors"
)

// peftMLP returns the 6-5-4-3 MLP of testdata/peft_mlp with PyTorch's
// weights from model.safetensors.
func peftMLP(t testing.TB) *nn.Sequential {
	mlp := nn.NewMLP([]int{6, 5, 4, 3}, newReLU, nn.NewRand(0))
	f, err := safetensors.ReadFile("testdata/peft_mlp/model.safetensors")
	require.NoError(t, err)
	for _, np := range nn.NamedParams(mlp) {
		x, err := f.Tensors[np.Path].Float32s()
		require.NoError(t, err, np.Path)
		require.Len(t, x, len(np.Param.Value.Data), np.Path)
		copy(np.Param.Value.Data, x)
	}
	return mlp
}

func TestLoadsAdapterWrittenForPyTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/peft_mlp/outputs.json")
	require.NoError(t, err)
	var want struct{ X, Base, Adapted []float32 }
	require.NoError(t, json.Unmarshal(b, &want))
	x := nn.MatFrom(len(want.X)/6, 6, want.X)

	m, err := Load(peftMLP(t), "testdata/peft_mlp/adapter")
	require.NoError(t, err)
	cfg, _ := m.Config(DefaultAdapter)
	require.Equal(t, 2, cfg.R)
	require.Equal(t, 4.0, cfg.Alpha)
	require.InDeltaSlice(t, want.Adapted, m.Forward(x, false).Data, 1e-5, "adapted outputs as PyTorch")
	m.DisableAdapters()
	require.InDeltaSlice(t, want.Base, m.Forward(x, false).Data, 1e-5, "base outputs as PyTorch")
}

// trainedModel is a small adapted MLP whose adapter has non-zero factors.
func trainedModel(t testing.TB, targets ...string) *Model {
	m, err := New(nn.NewMLP([]int{12, 8, 4}, newReLU, nn.NewRand(1)), Config{R: 3, Alpha: 6, Dropout: 0.05, TargetModules: targets, Rand: nn.NewRand(2)})
	require.NoError(t, err)
	for _, np := range nn.NamedParams(m) {
		if !np.Param.Frozen {
			for i := range np.Param.Value.Data {
				np.Param.Value.Data[i] = float32(math.Sin(float64(3*i + len(np.Path))))
			}
		}
	}
	return m
}

func adapterValues(m *Model, name string) map[string][]float32 {
	out := map[string][]float32{}
	for _, t := range m.layers {
		if a := t.l.adapter(name); a != nil {
			out[weightKey(t.path, "lora_A")] = a.a.W.Value.Data
			out[weightKey(t.path, "lora_B")] = a.b.W.Value.Data
		}
	}
	return out
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := trainedModel(t, "0", "2")
	x := randMat(5, 12, 3)
	want := m.Forward(x, false).Clone()
	for _, dtype := range []string{"", "F16", "BF16"} {
		t.Run("dtype "+dtype, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, m.Save(dir, SaveOptions{DType: dtype, BaseModel: "mlp-12-8-4"}))
			loaded, err := Load(nn.NewMLP([]int{12, 8, 4}, newReLU, nn.NewRand(1)), dir)
			require.NoError(t, err)
			got := adapterValues(loaded, DefaultAdapter)
			for key, v := range adapterValues(m, DefaultAdapter) {
				if dtype == "" {
					require.Equal(t, v, got[key], "%s: F32 round trip is exact", key)
				} else {
					require.InDeltaSlice(t, v, got[key], 4e-3, "%s: %s rounding", key, dtype)
				}
			}
			cfg, _ := loaded.Config(DefaultAdapter)
			require.Equal(t, 3, cfg.R)
			require.Equal(t, 6.0, cfg.Alpha)
			require.Equal(t, 0.05, cfg.Dropout)
			if dtype == "" {
				require.Equal(t, want.Data, loaded.Forward(x, false).Data)
			}
		})
	}
}

func TestSavedFilesArePEFTFormat(t *testing.T) {
	m := trainedModel(t, "0", "2")
	dir := t.TempDir()
	require.NoError(t, m.Save(dir, SaveOptions{}))
	f, err := safetensors.ReadFile(filepath.Join(dir, WeightsFile))
	require.NoError(t, err)
	shapes := map[string][]int{}
	for k, v := range f.Tensors {
		require.Equal(t, safetensors.F32, v.DType)
		shapes[k] = v.Shape
	}
	require.Equal(t, map[string][]int{
		"base_model.model.0.lora_A.weight": {3, 12}, "base_model.model.0.lora_B.weight": {8, 3},
		"base_model.model.2.lora_A.weight": {3, 8}, "base_model.model.2.lora_B.weight": {4, 3},
	}, shapes)
	require.Equal(t, map[string]string{"format": "pt"}, f.Metadata)
	b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(b, &cfg))
	for k, v := range map[string]any{"peft_type": "LORA", "r": 3.0, "lora_alpha": 6.0, "lora_dropout": 0.05,
		"target_modules": []any{"0", "2"}, "bias": "none", "use_rslora": false, "fan_in_fan_out": false} {
		require.Equal(t, v, cfg[k], k)
	}
}

func TestSeveralAdaptersSaveAndLoadByName(t *testing.T) {
	m := trainedModel(t, "0")
	require.NoError(t, m.AddAdapter("head", Config{R: 2, TargetModules: []string{"2"}, Rand: nn.NewRand(9)}))
	dir := t.TempDir()
	require.NoError(t, m.Save(filepath.Join(dir, "default"), SaveOptions{}))
	require.NoError(t, m.Save(filepath.Join(dir, "head"), SaveOptions{Adapter: "head"}))
	require.ErrorIs(t, m.Save(dir, SaveOptions{Adapter: "nope"}), ErrAdapter)
	loaded, err := Load(nn.NewMLP([]int{12, 8, 4}, newReLU, nn.NewRand(1)), filepath.Join(dir, "default"))
	require.NoError(t, err)
	require.NoError(t, loaded.LoadAdapter(filepath.Join(dir, "head"), "head"))
	require.Equal(t, adapterValues(m, "head"), adapterValues(loaded, "head"))
	require.Equal(t, DefaultAdapter, loaded.ActiveAdapter())
}

// writeAdapter writes an adapter directory with the given config (as JSON
// text) and weights file bytes.
func writeAdapter(t testing.TB, config string, weights []byte) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFile), []byte(config), 0o644))
	if weights != nil {
		require.NoError(t, os.WriteFile(filepath.Join(dir, WeightsFile), weights, 0o644))
	}
	return dir
}

func TestLoadRejectsBadAdapters(t *testing.T) {
	good, err := os.ReadFile("testdata/peft_mlp/adapter/adapter_config.json")
	require.NoError(t, err)
	goodWeights, err := os.ReadFile("testdata/peft_mlp/adapter/adapter_model.safetensors")
	require.NoError(t, err)
	withConfig := func(key string, value any) string {
		var c map[string]any
		require.NoError(t, json.Unmarshal(good, &c))
		c[key] = value
		b, err := json.Marshal(c)
		require.NoError(t, err)
		return string(b)
	}
	weights := func(edit func(f *safetensors.File)) []byte {
		f, err := safetensors.Decode(goodWeights)
		require.NoError(t, err)
		edit(f)
		b, err := safetensors.Encode(f)
		require.NoError(t, err)
		return b
	}
	tensor := func(dtype safetensors.DType, rows, cols int, v float32) safetensors.Tensor {
		x := make([]float32, rows*cols)
		for i := range x {
			x[i] = v
		}
		tt, err := safetensors.FromFloat32(dtype, []int{rows, cols}, x)
		require.NoError(t, err)
		return tt
	}
	cases := []struct {
		name    string
		config  string
		weights []byte
		want    error
	}{
		{"config not JSON", "{r: 2", goodWeights, ErrConfig},
		{"not LoRA", withConfig("peft_type", "PREFIX_TUNING"), goodWeights, ErrConfig},
		{"rank 0", withConfig("r", 0), goodWeights, ErrRank},
		{"rank above layer", withConfig("r", 4), goodWeights, ErrRank},
		{"bias all", withConfig("bias", "all"), goodWeights, ErrConfig},
		{"dora", withConfig("use_dora", true), goodWeights, ErrConfig},
		{"rank pattern", withConfig("rank_pattern", map[string]int{"0": 4}), goodWeights, ErrConfig},
		{"bad targets", withConfig("target_modules", 7), goodWeights, ErrConfig},
		{"targets another layer", withConfig("target_modules", []string{"0", "2"}), goodWeights, ErrMismatch},
		{"unknown target", withConfig("target_modules", []string{"q_proj"}), goodWeights, ErrNoTarget},
		{"truncated weights", string(good), goodWeights[:len(goodWeights)-3], safetensors.ErrTruncated},
		{"header beyond file", string(good), goodWeights[:100], safetensors.ErrTruncated},
		{"missing tensor", string(good), weights(func(f *safetensors.File) { delete(f.Tensors, "base_model.model.4.lora_B.weight") }), ErrMismatch},
		{"extra tensor", string(good), weights(func(f *safetensors.File) {
			f.Tensors["base_model.model.2.lora_A.weight"] = tensor(safetensors.F32, 2, 5, 0)
		}), ErrMismatch},
		{"transposed", string(good), weights(func(f *safetensors.File) {
			f.Tensors["base_model.model.0.lora_A.weight"] = tensor(safetensors.F32, 6, 2, 0)
		}), ErrMismatch},
		{"NaN", string(good), weights(func(f *safetensors.File) {
			f.Tensors["base_model.model.0.lora_A.weight"] = tensor(safetensors.F32, 2, 6, float32(math.NaN()))
		}), ErrMismatch},
		{"integer tensor", string(good), weights(func(f *safetensors.File) {
			f.Tensors["base_model.model.0.lora_A.weight"] = safetensors.Tensor{DType: safetensors.I8, Shape: []int{2, 6}, Data: make([]byte, 12)}
		}), safetensors.ErrDType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := peftMLP(t)
			_, err := Load(base, writeAdapter(t, c.config, c.weights))
			require.ErrorIs(t, err, c.want)
			for i, l := range base.Layers {
				_, wrapped := l.(*Linear)
				require.False(t, wrapped, "layer %d: a failed Load leaves the model unchanged", i)
			}
			require.False(t, base.Layers[0].(*nn.Dense).W.Frozen)
		})
	}
	_, err = Load(peftMLP(t), t.TempDir())
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = Load(peftMLP(t), writeAdapter(t, string(good), nil))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// FuzzLoad feeds arbitrary adapter files to Load's decoding and checking:
// it must return an error or a model, never panic, and a loaded model must
// run.
func FuzzLoad(f *testing.F) {
	config, err := os.ReadFile("testdata/peft_mlp/adapter/adapter_config.json")
	if err != nil {
		f.Fatal(err)
	}
	weights, err := os.ReadFile("testdata/peft_mlp/adapter/adapter_model.safetensors")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(config, weights)
	f.Add([]byte(`{"peft_type":"LORA","r":1,"lora_alpha":1,"target_modules":"[04]"}`), weights)
	base := peftMLP(f)
	f.Fuzz(func(t *testing.T, config, weights []byte) {
		cfg, file, err := decodeAdapter(config, weights)
		if err != nil {
			return
		}
		base := &nn.Sequential{Layers: append([]nn.Layer{}, base.Layers...)}
		m, err := load(base, cfg, file)
		if err != nil {
			return
		}
		y := m.Forward(randMat(2, 6, 1), false)
		require.Equal(t, 3, y.Cols)
	})
}
