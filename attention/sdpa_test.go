package attention_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

func randTensor(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(x))
}

func randBool(rng *rand.Rand, pTrue float64, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	x := make([]bool, n)
	for i := range x {
		x[i] = rng.Float64() < pTrue
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(x))
}

// naiveAttention is the float64 definition: for every batch b, head h and
// query i, softmax over the allowed keys of q·k/√d + bias, then the weighted
// sum of values; a query with no allowed key gets zeros. It returns the
// output (B·H·Lq·dv) and weights (B·H·Lq·Lk) in (B, H, …) order.
func naiveAttention(q, k, v []float32, b, h, lq, lk, dk, dv int, mask attention.Mask) (out, weights []float64) {
	allowed := func(bi, hi, i, j int) (bool, float64) {
		if mask.Causal && j > i+lk-lq {
			return false, 0
		}
		if mask.AllowKeys != nil && !mask.AllowKeys.Data().([]bool)[bi*lk+j] {
			return false, 0
		}
		idx := func(s tensor.Shape) int {
			switch len(s) {
			case 2:
				return i*lk + j
			case 3:
				return (bi*lq+i)*lk + j
			}
			return ((bi*h+hi)*lq+i)*lk + j
		}
		if mask.Allow != nil && !mask.Allow.Data().([]bool)[idx(mask.Allow.Shape())] {
			return false, 0
		}
		if mask.Bias != nil {
			return true, float64(mask.Bias.Data().([]float32)[idx(mask.Bias.Shape())])
		}
		return true, 0
	}
	out, weights = make([]float64, b*h*lq*dv), make([]float64, b*h*lq*lk)
	for bi := range b {
		for hi := range h {
			g := bi*h + hi
			for i := range lq {
				s := make([]float64, lk)
				m := math.Inf(-1)
				for j := range lk {
					ok, bias := allowed(bi, hi, i, j)
					if !ok {
						s[j] = math.Inf(-1)
						continue
					}
					for c := range dk {
						s[j] += float64(q[(g*lq+i)*dk+c]) * float64(k[(g*lk+j)*dk+c])
					}
					s[j] = s[j]/math.Sqrt(float64(dk)) + bias
					m = math.Max(m, s[j])
				}
				if math.IsInf(m, -1) {
					continue
				}
				var sum float64
				for j := range s {
					s[j] = math.Exp(s[j] - m)
					sum += s[j]
				}
				for j := range s {
					p := s[j] / sum
					weights[(g*lq+i)*lk+j] = p
					for c := range dv {
						out[(g*lq+i)*dv+c] += p * float64(v[(g*lk+j)*dv+c])
					}
				}
			}
		}
	}
	return out, weights
}

func toFloat32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func TestScaledDotProductMatchesDefinition(t *testing.T) {
	type dims struct{ b, h, lq, lk, dk, dv int }
	cases := []struct {
		name string
		d    dims
		mask func(rng *rand.Rand, d dims) attention.Mask
	}{
		{"no mask, one head", dims{2, 0, 5, 7, 8, 6}, nil},
		{"no mask, heads", dims{2, 3, 5, 7, 8, 6}, nil},
		{"causal square", dims{2, 2, 9, 9, 4, 4}, func(*rand.Rand, dims) attention.Mask { return attention.Mask{Causal: true} }},
		{"causal decode-aligned", dims{1, 2, 3, 8, 4, 4}, func(*rand.Rand, dims) attention.Mask { return attention.Mask{Causal: true} }},
		{"allow (Lq, Lk)", dims{2, 2, 5, 6, 4, 3}, func(rng *rand.Rand, d dims) attention.Mask {
			return attention.Mask{Allow: randBool(rng, 0.7, d.lq, d.lk)}
		}},
		{"allow (B, H, Lq, Lk) and keys", dims{2, 3, 5, 6, 4, 3}, func(rng *rand.Rand, d dims) attention.Mask {
			return attention.Mask{Allow: randBool(rng, 0.7, d.b, d.h, d.lq, d.lk), AllowKeys: randBool(rng, 0.8, d.b, d.lk)}
		}},
		{"bias (B, Lq, Lk) and causal", dims{2, 2, 6, 6, 4, 4}, func(rng *rand.Rand, d dims) attention.Mask {
			return attention.Mask{Causal: true, Bias: randTensor(rng, d.b, d.lq, d.lk)}
		}},
		{"several tiles, every mask", dims{1, 2, 150, 600, 16, 8}, func(rng *rand.Rand, d dims) attention.Mask {
			return attention.Mask{Causal: true, Allow: randBool(rng, 0.9, d.lq, d.lk),
				AllowKeys: randBool(rng, 0.9, d.b, d.lk), Bias: randTensor(rng, d.b, d.h, d.lq, d.lk)}
		}},
	}
	for _, c := range cases {
		for _, kernel := range []attention.Kernel{attention.PlainKernel, attention.TiledKernel} {
			t.Run(fmt.Sprintf("%s/kernel=%d", c.name, kernel), func(t *testing.T) {
				rng := nn.NewRand(3)
				d := c.d
				lead := []int{d.b}
				heads := 1
				if d.h > 0 {
					lead, heads = []int{d.b, d.h}, d.h
				}
				q := randTensor(rng, append(lead, d.lq, d.dk)...)
				k := randTensor(rng, append(lead, d.lk, d.dk)...)
				v := randTensor(rng, append(lead, d.lk, d.dv)...)
				var mask attention.Mask
				if c.mask != nil {
					mask = c.mask(rng, dims{d.b, heads, d.lq, d.lk, d.dk, d.dv})
				}
				opt := attention.Options{Kernel: kernel}
				if kernel == attention.PlainKernel {
					opt.Weights = attention.PerHeadWeights
				}
				out, w := attention.ScaledDotProduct(q, k, v, mask, opt)
				wantOut, wantW := naiveAttention(data(q), data(k), data(v), d.b, heads, d.lq, d.lk, d.dk, d.dv, mask)
				if want := append(append([]int(nil), lead...), d.lq, d.dv); !out.Shape().Eq(tensor.Shape(want)) {
					t.Fatalf("output shape %v, want %v", out.Shape(), want)
				}
				assertClose(t, "out", data(out), toFloat32(wantOut), 1e-5)
				if kernel == attention.PlainKernel {
					assertClose(t, "weights", data(w), toFloat32(wantW), 1e-5)
				} else if w != nil {
					t.Fatal("tiled kernel returned weights")
				}
			})
		}
	}
}

func TestAveragedWeightsAreTheMeanOverHeads(t *testing.T) {
	rng := nn.NewRand(5)
	q, k, v := randTensor(rng, 2, 4, 3, 8), randTensor(rng, 2, 4, 5, 8), randTensor(rng, 2, 4, 5, 8)
	_, per := attention.ScaledDotProduct(q, k, v, attention.Mask{}, attention.Options{Weights: attention.PerHeadWeights})
	_, avg := attention.ScaledDotProduct(q, k, v, attention.Mask{}, attention.Options{Weights: attention.AveragedWeights})
	if !avg.Shape().Eq(tensor.Shape{2, 3, 5}) || !per.Shape().Eq(tensor.Shape{2, 4, 3, 5}) {
		t.Fatalf("shapes %v and %v", avg.Shape(), per.Shape())
	}
	want := make([]float32, 2*15)
	for b := range 2 {
		for h := range 4 {
			for i := range 15 {
				want[b*15+i] += data(per)[(b*4+h)*15+i] / 4
			}
		}
	}
	assertClose(t, "averaged", data(avg), want, 1e-6)
}

// PyTorch returns NaN for a query whose keys are all masked; this package
// returns zeros, with both kernels and through the backward pass.
func TestFullyMaskedRowsGiveZerosNotNaN(t *testing.T) {
	rng := nn.NewRand(7)
	const b, lq, lk, e = 2, 3, 4, 8
	allow := make([]bool, lq*lk)
	for j := range lk {
		allow[0*lk+j] = true
		allow[2*lk+j] = j != 1
	}
	mask := attention.Mask{Allow: tensor.New(tensor.WithShape(lq, lk), tensor.WithBacking(allow))}
	q, k, v := randTensor(rng, b, lq, e), randTensor(rng, b, lk, e), randTensor(rng, b, lk, e)
	for _, kernel := range []attention.Kernel{attention.PlainKernel, attention.TiledKernel} {
		opt := attention.Options{Kernel: kernel}
		if kernel == attention.PlainKernel {
			opt.Weights = attention.AveragedWeights
		}
		out, w := attention.ScaledDotProduct(q, k, v, mask, opt)
		for bi := range b {
			for c, x := range data(out)[(bi*lq+1)*e : (bi*lq+2)*e] {
				if x != 0 {
					t.Fatalf("kernel %d: batch %d masked query output[%d] = %v, want 0", kernel, bi, c, x)
				}
			}
			if w != nil {
				for j, x := range data(w)[(bi*lq+1)*lk : (bi*lq+2)*lk] {
					if x != 0 {
						t.Fatalf("masked query weight[%d] = %v, want 0", j, x)
					}
				}
			}
		}
	}
	m := attention.NewMultiHead(attention.Config{EmbedDim: e, NumHeads: 2}, nil)
	out, _ := m.Forward(q, k, v, mask, attention.Options{ForBackward: true})
	dq, dk, dv := m.Backward(randTensor(rng, b, lq, e))
	for name, x := range map[string]*tensor.Dense{"out": out, "dq": dq, "dk": dk, "dv": dv} {
		for i, f := range data(x) {
			if math.IsNaN(float64(f)) {
				t.Fatalf("%s[%d] is NaN", name, i)
			}
		}
	}
}

// The tiled kernel must equal the plain one to 1e-5 on a sequence long
// enough for many query blocks and key tiles.
func TestTiledKernelEqualsPlain(t *testing.T) {
	rng := nn.NewRand(11)
	n := 1000
	if testing.Short() {
		n = 300
	}
	m := attention.NewMultiHead(attention.Config{EmbedDim: 64, NumHeads: 4}, rng)
	x := randTensor(rng, 2, n, 64)
	for _, mask := range []attention.Mask{{}, {Causal: true}} {
		plain, _ := m.Forward(x, x, x, mask, attention.Options{Kernel: attention.PlainKernel})
		tiled, _ := m.Forward(x, x, x, mask, attention.Options{Kernel: attention.TiledKernel})
		assertClose(t, fmt.Sprintf("tiled causal=%v", mask.Causal), data(tiled), data(plain), 1e-5)
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "attention: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want the attention: prefix and %q", msg, want)
		}
	}()
	f()
}

func TestMisusePanicsNamingShapes(t *testing.T) {
	rng := nn.NewRand(1)
	m := attention.NewMultiHead(attention.Config{EmbedDim: 8, NumHeads: 2}, rng)
	x := randTensor(rng, 2, 3, 8)
	cases := []struct {
		name, want string
		f          func()
	}{
		{"key width", "key (2, 3, 6)", func() { m.Forward(x, randTensor(rng, 2, 3, 6), x, attention.Mask{}, attention.Options{}) }},
		{"key value length", "value (2, 4, 8)", func() { m.Forward(x, x, randTensor(rng, 2, 4, 8), attention.Mask{}, attention.Options{}) }},
		{"rank", "want (batch, length, features)", func() { m.Forward(randTensor(rng, 6, 8), x, x, attention.Mask{}, attention.Options{}) }},
		{"float64", "want float32", func() {
			m.Forward(tensor.New(tensor.WithShape(2, 3, 8), tensor.WithBacking(make([]float64, 48))), x, x, attention.Mask{}, attention.Options{})
		}},
		{"allow shape", "Mask.Allow has shape (3, 4)", func() {
			m.Forward(x, x, x, attention.Mask{Allow: randBool(rng, 1, 3, 4)}, attention.Options{})
		}},
		{"keys shape", "Mask.AllowKeys has shape (3, 3)", func() {
			m.Forward(x, x, x, attention.Mask{AllowKeys: randBool(rng, 1, 3, 3)}, attention.Options{})
		}},
		{"tiled weights", "TiledKernel cannot return weights", func() {
			m.Forward(x, x, x, attention.Mask{}, attention.Options{Kernel: attention.TiledKernel, Weights: attention.AveragedWeights})
		}},
		{"backward first", "without a Forward with ForBackward", func() { m.Backward(x) }},
		{"heads", "multiple of NumHeads", func() { attention.NewMultiHead(attention.Config{EmbedDim: 10, NumHeads: 3}, nil) }},
		{"sdpa", "do not conform", func() {
			attention.ScaledDotProduct(x, randTensor(rng, 2, 4, 7), randTensor(rng, 2, 4, 8), attention.Mask{}, attention.Options{})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { mustPanic(t, c.want, c.f) })
	}
}

// Each (batch, head, query block) job writes only its own rows, so the
// result is bit-for-bit the same whatever the number of workers.
func TestResultsDoNotDependOnWorkers(t *testing.T) {
	rng := nn.NewRand(13)
	m := attention.NewMultiHead(attention.Config{EmbedDim: 32, NumHeads: 4}, rng)
	x := randTensor(rng, 3, 200, 32)
	run := func(procs int) (tiled, plain []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		a, _ := m.Forward(x, x, x, attention.Mask{Causal: true}, attention.Options{Kernel: attention.TiledKernel})
		b, _ := m.Forward(x, x, x, attention.Mask{Causal: true}, attention.Options{Kernel: attention.PlainKernel})
		return slices.Clone(data(a)), slices.Clone(data(b))
	}
	t1, p1 := run(1)
	t4, p4 := run(4)
	if !slices.Equal(t1, t4) || !slices.Equal(p1, p4) {
		t.Fatal("outputs differ between 1 and 4 workers")
	}
}

// No keys at all is the limit of a fully masked row: zero attention output.
func TestEmptySequences(t *testing.T) {
	rng := nn.NewRand(17)
	for _, kernel := range []attention.Kernel{attention.PlainKernel, attention.TiledKernel} {
		out, _ := attention.ScaledDotProduct(randTensor(rng, 2, 3, 3, 4), randTensor(rng, 2, 3, 0, 4), randTensor(rng, 2, 3, 0, 5), attention.Mask{}, attention.Options{Kernel: kernel})
		if !out.Shape().Eq(tensor.Shape{2, 3, 3, 5}) || slices.Max(data(out)) != 0 || slices.Min(data(out)) != 0 {
			t.Fatalf("kernel %d: no keys gave %v %v", kernel, out.Shape(), data(out))
		}
		out, _ = attention.ScaledDotProduct(randTensor(rng, 2, 3, 0, 4), randTensor(rng, 2, 3, 2, 4), randTensor(rng, 2, 3, 2, 5), attention.Mask{}, attention.Options{Kernel: kernel})
		if !out.Shape().Eq(tensor.Shape{2, 3, 0, 5}) {
			t.Fatalf("no queries gave shape %v", out.Shape())
		}
	}
	m := attention.NewMultiHead(attention.Config{EmbedDim: 4, NumHeads: 2}, rng)
	none, q := randTensor(rng, 2, 0, 4), randTensor(rng, 2, 3, 4)
	m.Forward(q, none, none, attention.Mask{Causal: true}, attention.Options{ForBackward: true})
	dq, dk, _ := m.Backward(q)
	if !dk.Shape().Eq(tensor.Shape{2, 0, 4}) || slices.Max(data(dq)) != 0 {
		t.Fatalf("backward with no keys: dk %v, dq %v", dk.Shape(), data(dq))
	}
}
