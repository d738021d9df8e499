package kernels

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

// TestGorgoniaTensorStarts guards the go.mod pin of go4.org/unsafe/assume-no-moving-gc:
// with the version gorgonia.org/tensor v0.9.24 asks for, the tensor package panics at
// start on Go 1.26, so a downgrade shows up here as a failing test binary.
func TestGorgoniaTensorStarts(t *testing.T) {
	a := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	b := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float32{1, 0, 0, 1, 1, 1}))
	c, err := tensor.MatMul(a, b)
	require.NoError(t, err)
	require.Equal(t, []float32{4, 5, 10, 11}, c.Data())
}
