package attention_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/mlprep/mlprep/attention"
)

func TestLoadStateRejectsBadWeights(t *testing.T) {
	m := attention.NewMultiHead(attention.Config{EmbedDim: 4, NumHeads: 2}, nil)
	good := func() map[string]attention.Flat {
		s := map[string]attention.Flat{}
		for _, p := range m.Parameters() {
			s[p.Name] = attention.Flat{Shape: append([]int(nil), p.Value.Shape()...), Data: make([]float32, p.Value.Shape().TotalSize())}
		}
		return s
	}
	cases := []struct {
		name  string
		edit  func(map[string]attention.Flat)
		want  error
		match string
	}{
		{"missing", func(s map[string]attention.Flat) { delete(s, "in_proj_bias") }, attention.ErrStateKeys, "missing in_proj_bias"},
		{"unknown", func(s map[string]attention.Flat) { s["bias_k"] = attention.Flat{Shape: []int{1}, Data: []float32{0}} }, attention.ErrStateKeys, "unexpected bias_k"},
		{"shape", func(s map[string]attention.Flat) {
			s["out_proj.weight"] = attention.Flat{Shape: []int{2, 8}, Data: make([]float32, 16)}
		}, attention.ErrShape, "out_proj.weight has shape [2 8]"},
		{"length", func(s map[string]attention.Flat) {
			f := s["in_proj_weight"]
			f.Data = f.Data[:47]
			s["in_proj_weight"] = f
		}, attention.ErrShape, "47 values"},
		{"NaN", func(s map[string]attention.Flat) { s["out_proj.bias"].Data[2] = float32(math.NaN()) }, attention.ErrNonFinite, "out_proj.bias[2] = NaN"},
		{"Inf", func(s map[string]attention.Flat) { s["in_proj_weight"].Data[5] = float32(math.Inf(-1)) }, attention.ErrNonFinite, "in_proj_weight[5] = -Inf"},
	}
	before := data(m.Parameters()[0].Value)
	snapshot := slices.Clone(before)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := good()
			c.edit(s)
			err := m.LoadState(s)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.match) {
				t.Fatalf("error %q does not say %q", err, c.match)
			}
			if !slices.Equal(before, snapshot) {
				t.Fatal("a rejected state changed the weights")
			}
		})
	}
	if err := m.LoadState(good()); err != nil {
		t.Fatalf("valid state: %v", err)
	}
	if slices.Max(data(m.Parameters()[0].Value)) != 0 {
		t.Fatal("valid state was not copied in")
	}
}

// FuzzLoadState feeds LoadState arbitrary shapes and values for each of the
// module's names: it must accept exactly the well-formed states and never
// panic.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte{2, 8, 12, 0, 0, 128, 63}, uint8(0), uint8(0))
	f.Add([]byte{}, uint8(3), uint8(1))
	f.Add([]byte{0, 0, 192, 127}, uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, raw []byte, which, dims uint8) {
		m := attention.NewMultiHead(attention.Config{EmbedDim: 4, NumHeads: 2}, nil)
		state := map[string]attention.Flat{}
		params := m.Parameters()
		for _, p := range params {
			state[p.Name] = attention.Flat{Shape: append([]int(nil), p.Value.Shape()...), Data: make([]float32, p.Value.Shape().TotalSize())}
		}
		// Replace one tensor by the fuzzed one: shape from the first bytes,
		// values from the rest as float32 bits.
		target := params[int(which)%len(params)]
		name := target.Name
		var shape []int
		for i := 0; i < int(dims%4) && i < len(raw); i++ {
			shape = append(shape, int(raw[i]))
		}
		var values []float32
		for i := len(shape); i+4 <= len(raw); i += 4 {
			values = append(values, math.Float32frombits(uint32(raw[i])|uint32(raw[i+1])<<8|uint32(raw[i+2])<<16|uint32(raw[i+3])<<24))
		}
		state[name] = attention.Flat{Shape: shape, Data: values}
		err := m.LoadState(state)
		wellFormed := slices.Equal(shape, []int(target.Value.Shape())) && len(values) == len(data(target.Value))
		for _, v := range values {
			wellFormed = wellFormed && !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
		}
		if wellFormed != (err == nil) {
			t.Fatalf("%s with shape %v and %d values: error %v", name, shape, len(values), err)
		}
	})
}
