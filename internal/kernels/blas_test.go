package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"
)

// TestBLASThroughGonum installs BLAS for gonum and checks mat.Dense.Mul,
// MulVec and blas32.Gemm/Gemv against gonum's own implementation.
func TestBLASThroughGonum(t *testing.T) {
	blas32.Use(BLAS{})
	blas64.Use(BLAS{})
	defer blas32.Use(gonum.Implementation{})
	defer blas64.Use(gonum.Implementation{})
	rng := rand.New(rand.NewPCG(1, 1))

	a := mat.NewDense(37, 53, randFloats[float64](rng, 37*53))
	b := mat.NewDense(53, 29, randFloats[float64](rng, 53*29))
	var got, want mat.Dense
	got.Mul(a, b.T().T())
	blas64.Use(gonum.Implementation{})
	want.Mul(a, b)
	require.True(t, mat.EqualApprox(&got, &want, 1e-12))

	blas64.Use(BLAS{})
	x := mat.NewVecDense(37, randFloats[float64](rng, 37))
	var gv, wv mat.VecDense
	gv.MulVec(a.T(), x)
	blas64.Use(gonum.Implementation{})
	wv.MulVec(a.T(), x)
	require.True(t, mat.EqualApprox(&gv, &wv, 1e-12))

	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		a32 := blas32.General{Rows: 19, Cols: 23, Stride: 25, Data: randFloats[float32](rng, 19*25)}
		b32 := blas32.General{Rows: 23, Cols: 19, Stride: 19, Data: randFloats[float32](rng, 23*19)}
		rows := 19
		if tA == blas.Trans {
			rows = 23
			b32 = blas32.General{Rows: 19, Cols: 19, Stride: 19, Data: randFloats[float32](rng, 19*19)}
		}
		c1 := blas32.General{Rows: rows, Cols: 19, Stride: 19, Data: make([]float32, rows*19)}
		c2 := blas32.General{Rows: rows, Cols: 19, Stride: 19, Data: make([]float32, rows*19)}
		BLAS{}.Sgemm(tA, blas.NoTrans, rows, 19, b32.Rows, 1, a32.Data, a32.Stride, b32.Data, b32.Stride, 0, c1.Data, c1.Stride)
		gonum.Implementation{}.Sgemm(tA, blas.NoTrans, rows, 19, b32.Rows, 1, a32.Data, a32.Stride, b32.Data, b32.Stride, 0, c2.Data, c2.Stride)
		require.InDeltaSlice(t, c2.Data, c1.Data, 1e-4)

		xs := randFloats[float32](rng, 2*25)
		y1 := randFloats[float32](rng, 3*25)
		y2 := append([]float32(nil), y1...)
		BLAS{}.Sgemv(tA, 19, 23, 0.5, a32.Data, a32.Stride, xs, 2, 2, y1, 3)
		gonum.Implementation{}.Sgemv(tA, 19, 23, 0.5, a32.Data, a32.Stride, xs, 2, 2, y2, 3)
		require.InDeltaSlice(t, y2, y1, 1e-4)
		BLAS{}.Sgemv(tA, 19, 23, 0.5, a32.Data, a32.Stride, xs, -2, 2, y1, 3)
		gonum.Implementation{}.Sgemv(tA, 19, 23, 0.5, a32.Data, a32.Stride, xs, -2, 2, y2, 3)
		require.InDeltaSlice(t, y2, y1, 1e-4)
	}
}

// TestBLASThroughTensor installs BLAS for gorgonia and multiplies tensors.
func TestBLASThroughTensor(t *testing.T) {
	tensor.Use(BLAS{})
	defer tensor.Use(gonum.Implementation{})
	rng := rand.New(rand.NewPCG(2, 2))
	a := tensor.New(tensor.WithShape(33, 47), tensor.WithBacking(randFloats[float32](rng, 33*47)))
	b := tensor.New(tensor.WithShape(47, 21), tensor.WithBacking(randFloats[float32](rng, 47*21)))
	got, err := tensor.MatMul(a, b)
	require.NoError(t, err)
	want := make([]float32, 33*21)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 33, 21, 47, 1, a.Data().([]float32), 47, b.Data().([]float32), 21, 0, want, 21)
	require.InDeltaSlice(t, want, got.Data(), 1e-4)

	x := tensor.New(tensor.WithShape(47), tensor.WithBacking(randFloats[float32](rng, 47)))
	gv, err := tensor.MatVecMul(a, x)
	require.NoError(t, err)
	wv := make([]float32, 33)
	gonum.Implementation{}.Sgemv(blas.NoTrans, 33, 47, 1, a.Data().([]float32), 47, x.Data().([]float32), 1, 0, wv, 1)
	require.InDeltaSlice(t, wv, gv.Data(), 1e-4)
}
