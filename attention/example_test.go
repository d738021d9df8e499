package attention_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

func ExampleScaledDotProduct() {
	// One sequence of three positions with two features; every key is its
	// own query, and the values count the positions.
	q := tensor.New(tensor.WithShape(1, 3, 2), tensor.WithBacking([]float32{1, 0, 0, 1, 1, 1}))
	v := tensor.New(tensor.WithShape(1, 3, 1), tensor.WithBacking([]float32{0, 1, 2}))
	out, w := attention.ScaledDotProduct(q, q, v, attention.Mask{Causal: true},
		attention.Options{Weights: attention.AveragedWeights})
	fmt.Printf("weights %.3f\n", w.Data())
	fmt.Printf("output  %.3f\n", out.Data())
	// Output:
	// weights [1.000 0.000 0.000 0.330 0.670 0.000 0.248 0.248 0.503]
	// output  [0.000 0.670 1.255]
}

// Booleans always mean "allowed". A query with nothing allowed gets zeros,
// where PyTorch would return NaN.
func ExampleMask() {
	q := tensor.New(tensor.WithShape(1, 2, 1), tensor.WithBacking([]float32{1, 1}))
	v := tensor.New(tensor.WithShape(1, 2, 1), tensor.WithBacking([]float32{10, 20}))
	allow := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]bool{
		false, true, // query 0 may attend key 1 only
		false, false, // query 1 may attend nothing
	}))
	out, _ := attention.ScaledDotProduct(q, q, v, attention.Mask{Allow: allow}, attention.Options{})
	fmt.Println(out.Data())
	// Output:
	// [20 0]
}

// Weights exported from PyTorch load as flat slices with shapes; bad values
// are rejected before anything changes.
func ExampleMultiHead_LoadState() {
	m := attention.NewMultiHead(attention.Config{EmbedDim: 2, NumHeads: 1}, nil)
	identity3 := []float32{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1} // W_q = W_k = W_v = I
	state := map[string]attention.Flat{
		"in_proj_weight":  {Shape: []int{6, 2}, Data: identity3},
		"in_proj_bias":    {Shape: []int{6}, Data: make([]float32, 6)},
		"out_proj.weight": {Shape: []int{2, 2}, Data: []float32{2, 0, 0, 2}},
		"out_proj.bias":   {Shape: []int{2}, Data: []float32{0, 1}},
	}
	if err := m.LoadState(state); err != nil {
		fmt.Println(err)
		return
	}
	x := tensor.New(tensor.WithShape(1, 1, 2), tensor.WithBacking([]float32{3, 4}))
	out, _ := m.Forward(x, x, x, attention.Mask{}, attention.Options{})
	fmt.Println(out.Data()) // one position attends to itself: 2·x + (0, 1)

	state["out_proj.bias"].Data[1] = float32(math.NaN())
	err := m.LoadState(state)
	fmt.Println(errors.Is(err, attention.ErrNonFinite), err)
	// Output:
	// [6 9]
	// true attention: weight is NaN or infinite: out_proj.bias[1] = NaN
}

// Decoding one token at a time with a KV cache gives the rows of the full
// causal pass.
func ExampleMultiHead_Decode() {
	rng := nn.NewRand(1)
	m := attention.NewMultiHead(attention.Config{EmbedDim: 8, NumHeads: 2}, rng)
	seq := make([]float32, 5*8)
	for i := range seq {
		seq[i] = float32(rng.NormFloat64())
	}
	x := tensor.New(tensor.WithShape(1, 5, 8), tensor.WithBacking(seq))
	full, _ := m.Forward(x, x, x, attention.Mask{Causal: true}, attention.Options{})

	cache := m.NewCache(1)
	var worst float64
	for t := range 5 {
		token := tensor.New(tensor.WithShape(1, 1, 8), tensor.WithBacking(seq[t*8:(t+1)*8]))
		y := m.Decode(token, cache).Data().([]float32)
		for c, v := range y {
			worst = math.Max(worst, math.Abs(float64(v-full.Data().([]float32)[t*8+c])))
		}
	}
	fmt.Println("cached positions:", cache.Len(), "largest difference below 1e-6:", worst < 1e-6)
	// Output:
	// cached positions: 5 largest difference below 1e-6: true
}

// With rotary positions a query–key score depends only on their distance.
func ExampleRotary() {
	var rope attention.Rotary // Base 10000, the paper's
	q := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{1, 2, 3, 4}))
	k := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{-1, 0.5, 2, 1}))
	score := func(m, n int) float64 {
		var s float64
		qm, kn := rope.Apply(q, m).Data().([]float32), rope.Apply(k, n).Data().([]float32)
		for i := range qm {
			s += float64(qm[i] * kn[i])
		}
		return s
	}
	fmt.Printf("%.4f %.4f %.4f\n", score(0, 3), score(10, 13), score(100, 103))
	// Output:
	// 9.7927 9.7927 9.7927
}
