package gcn

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDropoutKeepsOneMinusPScaled(t *testing.T) {
	for _, p := range []float64{0.1, 0.5, 0.9} {
		src := make([]float32, 100_000)
		for i := range src {
			src[i] = 2
		}
		dst := make([]float32, len(src))
		dropout(dst, src, p, rand.NewChaCha8([32]byte{1}))
		kept := 0
		for _, v := range dst {
			if v != 0 {
				require.InDelta(t, 2/(1-p), v, 1e-5)
				kept++
			}
		}
		require.InDelta(t, 1-p, float64(kept)/float64(len(src)), 0.005, "p = %g", p)
	}
}
