package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLayerNormNormalisesRows(t *testing.T) {
	l := NewLayerNorm(4)
	y := l.Forward(MatFrom(2, 4, []float32{1, 2, 3, 4, 10, 10, 10, 10}), false)
	// Row 1: mean 2.5, biased variance 1.25.
	s := math.Sqrt(1.25 + 1e-5)
	want := []float64{-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, 0, 0, 0, 0}
	for i, w := range want {
		require.InDelta(t, w, y.Data[i], 1e-6, "y[%d]", i)
	}
}

func TestLayerNormGradient(t *testing.T) {
	l := NewLayerNorm(6)
	copy(l.W.Value.Data, randMat(1, 6, 3).Data)
	copy(l.B.Value.Data, randMat(1, 6, 4).Data)
	checkLayer(t, l, randMat(5, 6, 5), 2e-3)
}
