package lora

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mlprep/mlprep/internal/nn"
)

// torchLinear is the "linear" entry of testdata/torch_lora.json, written by
// scripts/golden/lora.py. B0 is the bias b, B the LoRA factor.
type torchLinear struct {
	In, Out, R, Batch int
	Alpha             float64
	W, A, X, DY       []float32
	B0                []float32 `json:"b"`
	B                 []float32 `json:"B"`
	Cases             []struct {
		RSLoRA                bool
		Scaling               float64
		Y, DX, DA, DB, Merged []float32
	}
}

func loadTorchLinear(t *testing.T) torchLinear {
	b, err := os.ReadFile("testdata/torch_lora.json")
	require.NoError(t, err)
	var g struct{ Linear torchLinear }
	require.NoError(t, json.Unmarshal(b, &g))
	require.NotEmpty(t, g.Linear.B0)
	require.Len(t, g.Linear.B, g.Linear.Out*g.Linear.R)
	return g.Linear
}

// newTestLinear builds a Linear on a fresh Dense with one adapter whose
// factors are given (B non-zero so every gradient is exercised).
func newTestLinear(t *testing.T, w, b, a, bb []float32, in, out int, cfg Config) *Linear {
	d := &nn.Dense{W: nn.NewParam("weight", nn.MatFrom(out, in, append([]float32{}, w...))), B: nn.NewParam("bias", nn.MatFrom(1, out, append([]float32{}, b...)))}
	l, err := NewLinear(d, DefaultAdapter, cfg)
	require.NoError(t, err)
	copy(l.active.a.W.Value.Data, a)
	copy(l.active.b.W.Value.Data, bb)
	return l
}

func TestLinearMatchesPyTorch(t *testing.T) {
	g := loadTorchLinear(t)
	for _, c := range g.Cases {
		l := newTestLinear(t, g.W, g.B0, g.A, g.B, g.In, g.Out, Config{R: g.R, Alpha: g.Alpha, RSLoRA: c.RSLoRA, TargetModules: []string{"x"}})
		require.InEpsilon(t, c.Scaling, float64(l.active.scaling), 1e-7)
		y := l.Forward(nn.MatFrom(g.Batch, g.In, g.X), true)
		require.InDeltaSlice(t, c.Y, y.Data, 1e-5, "rslora=%v: y", c.RSLoRA)
		dx := l.Backward(nn.MatFrom(g.Batch, g.Out, g.DY))
		require.InDeltaSlice(t, c.DX, dx.Data, 1e-5, "dx")
		require.InDeltaSlice(t, c.DA, l.active.a.W.Grad.Data, 1e-5, "dA")
		require.InDeltaSlice(t, c.DB, l.active.b.W.Grad.Data, 1e-5, "dB")
		require.Zero(t, maxAbs(l.Base.W.Grad.Data), "frozen W₀ gets no gradient")
		require.Zero(t, maxAbs(l.Base.B.Grad.Data), "frozen b gets no gradient")
		l.Merge()
		require.InDeltaSlice(t, c.Merged, l.Base.W.Value.Data, 1e-6, "merged W")
	}
}

func maxAbs(x []float32) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

func TestInitialisationIsPEFTs(t *testing.T) {
	in, out, r := 300, 40, 16
	l, err := NewLinear(nn.NewDense(in, out, nn.NewRand(1)), "a", Config{R: r, TargetModules: []string{"x"}, Rand: nn.NewRand(2)})
	require.NoError(t, err)
	bound := 1 / math.Sqrt(float64(in)) // Kaiming-uniform with a = √5
	a := l.active.a.W.Value
	require.Equal(t, [2]int{r, in}, [2]int{a.Rows, a.Cols})
	require.LessOrEqual(t, maxAbs(a.Data), bound)
	require.Greater(t, maxAbs(a.Data), 0.99*bound, "A fills its range")
	require.Zero(t, maxAbs(l.active.b.W.Value.Data), "B starts at zero")
	require.Equal(t, [2]int{out, r}, [2]int{l.active.b.W.Value.Rows, l.active.b.W.Value.Cols})
	require.InDelta(t, 0.5, float64(l.active.scaling), 0, "α/r with PEFT's default α = 8")
}

func TestZeroInitAdaptedModelEqualsBase(t *testing.T) {
	base := nn.NewMLP([]int{64, 32, 16, 10}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(3))
	x := randMat(7, 64, 4)
	want := base.Forward(x, false)
	m, err := New(base, Config{R: 4, Alpha: 16, Dropout: 0.1, TargetModules: []string{"0", "2", "4"}})
	require.NoError(t, err)
	require.Equal(t, want.Data, m.Forward(x, false).Data, "B = 0: bit-identical to the base model")
}

func randMat(rows, cols int, seed uint64) *nn.Mat {
	m := nn.NewMat(rows, cols)
	rng := nn.NewRand(seed)
	for i := range m.Data {
		m.Data[i] = float32(rng.NormFloat64())
	}
	return m
}

func TestLinearGradients(t *testing.T) {
	for _, c := range []struct {
		name    string
		dropout float64
		rslora  bool
	}{{"plain", 0, false}, {"rslora", 0, true}, {"dropout", 0.3, false}} {
		t.Run(c.name, func(t *testing.T) {
			src := rand.NewPCG(5, 6)
			d := nn.NewDense(7, 5, nn.NewRand(7))
			l, err := NewLinear(d, DefaultAdapter, Config{R: 3, Alpha: 5, Dropout: c.dropout, RSLoRA: c.rslora, TargetModules: []string{"x"}, Rand: rand.New(src)})
			require.NoError(t, err)
			for i := range l.active.b.W.Value.Data {
				l.active.b.W.Value.Data[i] = float32(math.Sin(float64(i)))
			}
			x := randMat(4, 7, 8)
			probe, dy := nn.ProbeLoss(4, 5, nn.NewRand(9))
			// Reseed before every forward so dropout draws the same mask.
			loss := func() float64 {
				src.Seed(11, 12)
				return probe(l.Forward(x, true))
			}
			loss()
			nn.ZeroGrad(l.Params())
			dx := l.Backward(dy)
			// The layer is linear in A, B and x separately, so a large step
			// costs no truncation error and keeps float32 rounding small.
			check := nn.GradCheck{Step: 0.1}
			for name, v := range map[string][2][]float32{
				"A": {l.active.a.W.Value.Data, l.active.a.W.Grad.Data},
				"B": {l.active.b.W.Value.Data, l.active.b.W.Grad.Data},
				"x": {x.Data, dx.Data},
			} {
				r := check.CheckGradient(loss, v[0], v[1])
				require.Less(t, r.MaxRelErr, 1e-3, "%s: %+v", name, r)
			}
			// The parameters-only pass gives the same adapter gradients.
			gradA := append([]float32(nil), l.active.a.W.Grad.Data...)
			gradB := append([]float32(nil), l.active.b.W.Grad.Data...)
			loss()
			nn.ZeroGrad(l.Params())
			l.BackwardParams(dy)
			require.Equal(t, gradA, l.active.a.W.Grad.Data)
			require.Equal(t, gradB, l.active.b.W.Grad.Data)
		})
	}
}

func TestMergeUnmerge(t *testing.T) {
	base := nn.NewMLP([]int{64, 32, 10}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(13))
	w0 := base.Layers[0].(*nn.Dense).W.Value.Clone()
	m, err := New(base, Config{R: 4, Alpha: 8, TargetModules: []string{"0", "2"}, Rand: nn.NewRand(14)})
	require.NoError(t, err)
	for _, np := range nn.NamedParams(m) {
		if !np.Param.Frozen { // B: give the adapter a non-zero update
			for i := range np.Param.Value.Data {
				np.Param.Value.Data[i] = float32(0.1 * math.Cos(float64(i)))
			}
		}
	}
	x := randMat(9, 64, 15)
	adapted := m.Forward(x, false).Clone()
	m.Merge()
	require.InDeltaSlice(t, adapted.Data, m.Forward(x, false).Data, 1e-6, "merged equals adapted")
	require.Greater(t, maxDiff(w0.Data, base.Layers[0].(*Linear).Base.W.Value.Data), 1e-3, "merge changed W₀")
	m.Merge() // idempotent
	require.InDeltaSlice(t, adapted.Data, m.Forward(x, false).Data, 1e-6)
	m.Unmerge()
	require.InDeltaSlice(t, w0.Data, base.Layers[0].(*Linear).Base.W.Value.Data, 1e-6, "unmerge restores W₀")
	require.InDeltaSlice(t, adapted.Data, m.Forward(x, false).Data, 1e-6)
	m.Merge()
	m.DisableAdapters() // unmerges, as PEFT does
	require.InDeltaSlice(t, w0.Data, base.Layers[0].(*Linear).Base.W.Value.Data, 1e-6)
}

func maxDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func TestRankMustFitTheLayer(t *testing.T) {
	for _, c := range []struct {
		r  int
		ok bool
	}{{-1, false}, {0, true}, {1, true}, {10, true}, {11, false}, {64, false}} {
		_, err := NewLinear(nn.NewDense(20, 10, nn.NewRand(1)), "a", Config{R: c.r, TargetModules: []string{"x"}})
		if c.ok {
			require.NoError(t, err, "r = %d", c.r)
		} else {
			require.ErrorIs(t, err, ErrRank, "r = %d", c.r)
		}
	}
	base := nn.NewMLP([]int{20, 16, 4}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(1))
	_, err := New(base, Config{R: 8, TargetModules: []string{"0", "2"}})
	require.ErrorIs(t, err, ErrRank, "r = 8 > 4 outputs of layer 2")
	_, isDense := base.Layers[0].(*nn.Dense)
	require.True(t, isDense, "a failed New leaves the model unchanged")
	require.False(t, base.Layers[0].(*nn.Dense).W.Frozen)
}
