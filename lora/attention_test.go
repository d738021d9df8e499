package lora

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/safetensors"
)

// These tests check the contract between lora and attention (neither
// imports the other; attention's modules satisfy Module): LoRA on the query
// and value projections of multi-head attention, as in the LoRA paper.

// torchMHA is testdata/torch_lora_mha.json, written by
// scripts/golden/lora_attention.py.
type torchMHA struct {
	EmbedDim           int `json:"embed_dim"`
	NumHeads           int `json:"num_heads"`
	Batch, Lq, Lk, R   int
	Alpha              float64
	State              map[string]attention.Flat
	Query, Key, Value  []float32
	DY                 []float32
	Base, Adapted      []float32
	MergedInProjWeight []float32 `json:"merged_in_proj_weight"`
	DQuery, DKey       []float32
	DValue             []float32
	Grads              map[string][]float32
}

func f32(t *tensor.Dense) []float32 { return t.Data().([]float32) }

func seqTensor(data []float32, b, l, e int) *tensor.Dense {
	return tensor.New(tensor.WithShape(b, l, e), tensor.WithBacking(slices.Clone(data)))
}

func stateParam(ps []attention.Parameter, name string) []float32 {
	for _, p := range ps {
		if p.Name == name {
			return f32(p.Value)
		}
	}
	panic("no parameter " + name)
}

// An adapter file in PEFT's format with targets q_proj and v_proj, loaded
// onto a MultiHead holding nn.MultiheadAttention's weights, reproduces
// PyTorch's outputs, input gradients, adapter gradients and merged
// in_proj_weight.
func TestAttentionAdapterMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_lora_mha.json")
	require.NoError(t, err)
	var g torchMHA
	require.NoError(t, json.Unmarshal(raw, &g))
	newMHA := func() *attention.MultiHead {
		mh := attention.NewMultiHead(attention.Config{EmbedDim: g.EmbedDim, NumHeads: g.NumHeads}, nil)
		require.NoError(t, mh.LoadState(g.State))
		return mh
	}
	e := g.EmbedDim
	q, k, v := seqTensor(g.Query, g.Batch, g.Lq, e), seqTensor(g.Key, g.Batch, g.Lk, e), seqTensor(g.Value, g.Batch, g.Lk, e)
	forward := func(mh *attention.MultiHead, opt attention.Options) []float32 {
		out, _ := mh.Forward(q, k, v, attention.Mask{}, opt)
		return slices.Clone(f32(out))
	}
	baseOut := forward(newMHA(), attention.Options{})
	require.InDeltaSlice(t, g.Base, baseOut, 1e-5, "the base module is PyTorch's")

	mh := newMHA()
	m, err := Load(mh, "testdata/peft_mha")
	require.NoError(t, err)
	require.Equal(t, []string{"q_proj", "v_proj"}, targetPaths(m))
	require.InDeltaSlice(t, g.Adapted, forward(mh, attention.Options{}), 1e-5, "adapted output")

	mh.ZeroGrad()
	require.InDeltaSlice(t, g.Adapted, forward(mh, attention.Options{ForBackward: true}), 1e-5)
	dq, dk, dv := mh.Backward(seqTensor(g.DY, g.Batch, g.Lq, e))
	require.InDeltaSlice(t, g.DQuery, f32(dq), 1e-5, "dquery")
	require.InDeltaSlice(t, g.DKey, f32(dk), 1e-5, "dkey")
	require.InDeltaSlice(t, g.DValue, f32(dv), 1e-5, "dvalue")
	for _, tg := range m.layers {
		a := tg.l.active
		require.InDeltaSlice(t, g.Grads[tg.path+".lora_A"], a.a.W.Grad.Data, 1e-5, "%s dA", tg.path)
		require.InDeltaSlice(t, g.Grads[tg.path+".lora_B"], a.b.W.Grad.Data, 1e-5, "%s dB", tg.path)
	}
	for _, p := range mh.Parameters() {
		require.Zero(t, maxAbs(f32(p.Grad)), "frozen %s gets no gradient", p.Name)
	}

	m.DisableAdapters()
	require.Equal(t, baseOut, forward(mh, attention.Options{}), "adapter off: bit-identical to the base module")
	m.EnableAdapters()
	inProj := slices.Clone(stateParam(mh.Parameters(), "in_proj_weight"))
	m.Merge()
	require.InDeltaSlice(t, g.MergedInProjWeight, stateParam(mh.Parameters(), "in_proj_weight"), 1e-6, "merged in_proj_weight")
	require.InDeltaSlice(t, g.Adapted, forward(mh, attention.Options{}), 1e-5, "merged output")
	m.Unmerge()
	require.InDeltaSlice(t, inProj, stateParam(mh.Parameters(), "in_proj_weight"), 1e-6, "unmerge restores in_proj_weight")
}

func targetPaths(m *Model) []string {
	var paths []string
	for _, tg := range m.layers {
		paths = append(paths, tg.path)
	}
	return paths
}

// cloneTagger returns a copy of t with the same weights.
func cloneTagger(t *attention.Tagger, cfg attention.TaggerConfig) *attention.Tagger {
	c := attention.NewTagger(cfg, nil)
	src := t.Parameters()
	for i, p := range c.Parameters() {
		copy(f32(p.Value), f32(src[i].Value))
	}
	return c
}

func logits(t *testing.T, m *attention.Tagger, seqs [][]int) []float32 {
	out, err := m.Logits(seqs)
	require.NoError(t, err)
	return slices.Clone(f32(out))
}

// The whole life of a q,v adapter on the tiny transformer: it starts equal
// to the base model, training changes only A and B, turning it off gives the
// base model bit for bit, merging writes into in_proj_weight's query and
// value rows only, and the saved PEFT files load onto a fresh copy.
func TestAttentionAdapterOnTagger(t *testing.T) {
	cfg := attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 8, NumHeads: 2, FFDim: 16, Layers: 2}
	rng := nn.NewRand(4)
	tagger := attention.NewTagger(cfg, rng)
	pristine := cloneTagger(tagger, cfg)
	x, y := attention.ReverseDigits(128, 6, rng)
	base := logits(t, tagger, x)
	state := map[string][]float32{}
	for _, p := range tagger.Parameters() {
		state[p.Name] = slices.Clone(f32(p.Value))
	}

	m, err := New(tagger, Config{R: 2, Alpha: 4, TargetModules: []string{"q_proj", "v_proj"}, Rand: nn.NewRand(5)})
	require.NoError(t, err)
	require.Equal(t, []string{"layers.0.self_attn.q_proj", "layers.0.self_attn.v_proj", "layers.1.self_attn.q_proj", "layers.1.self_attn.v_proj"}, targetPaths(m))
	require.Equal(t, base, logits(t, tagger, x), "B = 0: bit-identical to the base model")
	report := TrainableParameters(m)
	require.Equal(t, 4*2*(8+8), report.Trainable, "r·(in+out) per adapted projection")
	require.Equal(t, report, TrainableParameters(tagger))

	_, err = tagger.Fit(context.Background(), x, y, attention.FitOptions{Epochs: 3, BatchSize: 32, LR: 1e-2, Rand: nn.NewRand(6)})
	require.NoError(t, err)
	for _, p := range tagger.Parameters() {
		require.Equal(t, state[p.Name], f32(p.Value), "%s is bit-identical after training", p.Name)
		require.Zero(t, maxAbs(f32(p.Grad)), "frozen %s gets no gradient", p.Name)
	}
	for _, tg := range m.layers {
		require.Greater(t, maxAbs(tg.l.active.b.W.Value.Data), 0.0, "%s trained", tg.path)
	}
	adapted := logits(t, tagger, x)
	require.Greater(t, maxDiff(base, adapted), 1e-3)

	m.DisableAdapters()
	require.Equal(t, base, logits(t, tagger, x), "adapter off: bit-identical to the base model")
	m.EnableAdapters()

	m.Merge()
	require.InDeltaSlice(t, adapted, logits(t, tagger, x), 1e-5, "merged equals adapted")
	for layer := range 2 {
		name := fmt.Sprintf("layers.%d.self_attn.in_proj_weight", layer)
		merged, orig := stateParam(tagger.Parameters(), name), state[name]
		rows := 8 * 8
		require.Greater(t, maxDiff(orig[:rows], merged[:rows]), 1e-4, "%s: query rows merged", name)
		require.Equal(t, orig[rows:2*rows], merged[rows:2*rows], "%s: key rows untouched", name)
		require.Greater(t, maxDiff(orig[2*rows:], merged[2*rows:]), 1e-4, "%s: value rows merged", name)
	}
	m.Unmerge()
	for _, p := range tagger.Parameters() {
		require.InDeltaSlice(t, state[p.Name], f32(p.Value), 1e-6, "unmerge restores %s", p.Name)
	}

	dir := t.TempDir()
	require.NoError(t, m.Save(dir, SaveOptions{}))
	f, err := safetensors.ReadFile(filepath.Join(dir, WeightsFile))
	require.NoError(t, err)
	var want []string
	for _, layer := range []string{"0", "1"} {
		for _, proj := range []string{"q_proj", "v_proj"} {
			for _, factor := range []string{"lora_A", "lora_B"} {
				want = append(want, "base_model.model.layers."+layer+".self_attn."+proj+"."+factor+".weight")
			}
		}
	}
	require.Equal(t, want, slices.Sorted(maps.Keys(f.Tensors)))
	require.Equal(t, []int{2, 8}, f.Tensors[want[0]].Shape, "lora_A is r×in")
	require.Equal(t, []int{8, 2}, f.Tensors[want[1]].Shape, "lora_B is out×r")
	_, err = Load(pristine, dir)
	require.NoError(t, err)
	require.Equal(t, adapted, logits(t, pristine, x), "the loaded adapter computes the same")
}

// Central differences confirm the gradients of A and B (and of the input)
// through an encoder block whose query and value projections carry
// adapters; every base parameter stays without gradient.
func TestAttentionAdapterGradients(t *testing.T) {
	rng := nn.NewRand(7)
	blk := attention.NewEncoderBlock(attention.BlockConfig{EmbedDim: 8, NumHeads: 2, FFDim: 16, GELU: true}, rng)
	m, err := New(blk, Config{R: 2, Alpha: 3, TargetModules: []string{"self_attn.q_proj", "self_attn.v_proj"}, Rand: nn.NewRand(8)})
	require.NoError(t, err)
	for _, tg := range m.layers { // a non-zero B, so that dA is not zero
		for i := range tg.l.active.b.W.Value.Data {
			tg.l.active.b.W.Value.Data[i] = float32(0.3 * math.Sin(float64(3*i+1)))
		}
	}
	const b, l, e = 2, 4, 8
	x := randMat(b*l, e, 9)
	in := tensor.New(tensor.WithShape(b, l, e), tensor.WithBacking(x.Data))
	probe, dy := nn.ProbeLoss(b*l, e, rng)
	loss := func() float64 {
		out, _ := blk.Forward(in, attention.Mask{}, attention.Options{})
		return probe(nn.MatFrom(b*l, e, f32(out)))
	}
	blk.ZeroGrad()
	blk.Forward(in, attention.Mask{}, attention.Options{ForBackward: true})
	dx := blk.Backward(tensor.New(tensor.WithShape(b, l, e), tensor.WithBacking(dy.Data)))
	check := nn.GradCheck{Step: 1e-2, Samples: 16, Rand: rng}
	for _, tg := range m.layers {
		a := tg.l.active
		for name, p := range map[string]*nn.Param{"A": a.a.W, "B": a.b.W} {
			require.Greater(t, maxAbs(p.Grad.Data), 0.0, "%s d%s", tg.path, name)
			r := check.CheckGradient(loss, p.Value.Data, p.Grad.Data)
			require.Less(t, r.MaxRelErr, 1e-2, "%s d%s: %+v", tg.path, name, r)
		}
	}
	r := check.CheckGradient(loss, x.Data, f32(dx))
	require.Less(t, r.MaxRelErr, 1e-2, "dx: %+v", r)
	for _, p := range blk.Parameters() {
		require.Zero(t, maxAbs(f32(p.Grad)), "frozen %s gets no gradient", p.Name)
	}
}

func TestAttentionAdapterMisuse(t *testing.T) {
	cfg := attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 8, NumHeads: 2, FFDim: 16, Layers: 1}
	tagger := attention.NewTagger(cfg, nil)
	// PEFT adapts nn.MultiheadAttention as a whole by its module name; here
	// the targets are the projections.
	_, err := New(tagger, Config{TargetModules: []string{"self_attn"}})
	require.ErrorIs(t, err, ErrNoTarget)
	_, err = New(tagger, Config{R: 9, TargetModules: []string{"q_proj"}})
	require.ErrorIs(t, err, ErrRank, "r = 9 > E = 8")
	_, err = Load(tagger, "testdata/peft_mha")
	require.ErrorIs(t, err, ErrMismatch, "an adapter for a bare MultiHead names other modules")
	for _, p := range tagger.Params() {
		require.False(t, p.Frozen, "failed calls leave the model unchanged")
	}
	m, err := New(tagger, Config{R: 2, TargetModules: []string{"q_proj", "v_proj"}})
	require.NoError(t, err)
	require.Empty(t, m.Children())
	require.PanicsWithValue(t,
		"lora: the base model *attention.Tagger is not an nn.Layer: run it with its own methods, which use the adapters",
		func() { m.Forward(nn.NewMat(1, 8), false) })
}

// Incremental decoding runs the adapters too: token t's output equals row t
// of the full causal pass of the adapted module.
func TestAttentionAdapterDecodes(t *testing.T) {
	mh := attention.NewMultiHead(attention.Config{EmbedDim: 8, NumHeads: 2}, nn.NewRand(10))
	m, err := New(mh, Config{R: 2, TargetModules: []string{"q_proj", "v_proj"}})
	require.NoError(t, err)
	for _, tg := range m.layers {
		for i := range tg.l.active.b.W.Value.Data {
			tg.l.active.b.W.Value.Data[i] = float32(0.2 * math.Cos(float64(i)))
		}
	}
	const b, l, e = 2, 5, 8
	x := randMat(b*l, e, 11)
	full, _ := mh.Forward(seqTensor(x.Data, b, l, e), seqTensor(x.Data, b, l, e), seqTensor(x.Data, b, l, e), attention.Mask{Causal: true}, attention.Options{})
	m.DisableAdapters()
	plain, _ := mh.Forward(seqTensor(x.Data, b, l, e), seqTensor(x.Data, b, l, e), seqTensor(x.Data, b, l, e), attention.Mask{Causal: true}, attention.Options{})
	require.Greater(t, maxDiff(f32(full), f32(plain)), 1e-3, "the adapters change the output")
	m.EnableAdapters()
	cache := mh.NewCache(b)
	for tok := range l {
		step := make([]float32, 0, b*e)
		for s := range b {
			step = append(step, x.Row(s*l+tok)...)
		}
		out := f32(mh.Decode(seqTensor(step, b, 1, e), cache))
		for s := range b {
			require.InDeltaSlice(t, f32(full)[(s*l+tok)*e:(s*l+tok+1)*e], out[s*e:(s+1)*e], 1e-5, "sequence %d token %d", s, tok)
		}
	}
}
