package lora_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/lora"
)

// Adapt the three layers of a 784-512-512-10 MLP at rank 8, as PEFT's
// get_peft_model and print_trainable_parameters would.
func ExampleNew() {
	relu := func() nn.Layer { return &nn.ReLU{} }
	base := nn.NewMLP([]int{784, 512, 512, 10}, relu, nn.NewRand(1))
	x := nn.NewMat(2, 784)
	before := base.Forward(x, false).Clone()

	model, err := lora.New(base, lora.Config{R: 8, Alpha: 16, TargetModules: []string{"0", "2", "4"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lora.TrainableParameters(model))
	after := model.Forward(x, false)
	fmt.Println("equal to the base model at initialisation:", fmt.Sprint(before.Data) == fmt.Sprint(after.Data))
	// Output:
	// trainable params: 22,736 || all params: 692,442 || trainable%: 3.2835
	// equal to the base model at initialisation: true
}

// Merge folds the adapter into the base weights for inference; Unmerge
// restores the base weights.
func ExampleModel_Merge() {
	relu := func() nn.Layer { return &nn.ReLU{} }
	base := nn.NewMLP([]int{4, 3, 2}, relu, nn.NewRand(1))
	model, _ := lora.New(base, lora.Config{R: 2, TargetModules: []string{"0"}})
	for _, p := range nn.NamedParams(model) {
		if !p.Param.Frozen { // pretend training moved A and B
			for i := range p.Param.Value.Data {
				p.Param.Value.Data[i] += 0.1
			}
		}
	}
	x := nn.MatFrom(1, 4, []float32{1, 2, 3, 4})
	adapted := model.Forward(x, false).Clone()
	model.Merge()
	merged := model.Forward(x, false)
	diff := 0.0
	for i := range merged.Data {
		diff = math.Max(diff, math.Abs(float64(merged.Data[i]-adapted.Data[i])))
	}
	fmt.Printf("merged output within 1e-6 of the adapted one: %v\n", diff < 1e-6)
	// Output:
	// merged output within 1e-6 of the adapted one: true
}

// Save writes PEFT's two files; Load applies them to a fresh copy of the base.
func ExampleModel_Save() {
	relu := func() nn.Layer { return &nn.ReLU{} }
	model, _ := lora.New(nn.NewMLP([]int{4, 3, 2}, relu, nn.NewRand(1)), lora.Config{R: 2, TargetModules: []string{"0", "2"}})
	dir, _ := os.MkdirTemp("", "adapter")
	defer os.RemoveAll(dir)
	if err := model.Save(dir, lora.SaveOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		fmt.Println(filepath.Base(n))
	}
	loaded, err := lora.Load(nn.NewMLP([]int{4, 3, 2}, relu, nn.NewRand(1)), dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lora.TrainableParameters(loaded))
	// Output:
	// adapter_config.json
	// adapter_model.safetensors
	// trainable params: 24 || all params: 47 || trainable%: 51.0638
}

// LoRA on the query and value projections of a transformer, as the LoRA
// paper does: attention's modules name their projections q_proj, k_proj,
// v_proj and out_proj. The adapters live inside the Tagger, which trains
// them with its own Fit; the Model turns them off and on.
func ExampleNew_attention() {
	tagger := attention.NewTagger(attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 32, NumHeads: 4, FFDim: 64, Layers: 1}, nn.NewRand(1))
	x, y := attention.ReverseDigits(64, 8, nn.NewRand(2))
	base, _ := tagger.Predict(x)
	inProj := tagger.Parameters()[1] // layers.0.self_attn.in_proj_weight
	before := slices.Clone(inProj.Value.Data().([]float32))

	model, err := lora.New(tagger, lora.Config{R: 4, Alpha: 8, TargetModules: []string{"q_proj", "v_proj"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lora.TrainableParameters(model))
	if _, err := tagger.Fit(context.Background(), x, y, attention.FitOptions{Epochs: 2, BatchSize: 16, LR: 1e-2}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inProj.Name, "unchanged by training:", slices.Equal(before, inProj.Value.Data().([]float32)))
	model.DisableAdapters()
	off, _ := tagger.Predict(x)
	fmt.Println("adapter off predicts as the base model:", slices.EqualFunc(base, off, slices.Equal))
	// Output:
	// trainable params: 512 || all params: 9,770 || trainable%: 5.2405
	// layers.0.self_attn.in_proj_weight unchanged by training: true
	// adapter off predicts as the base model: true
}
