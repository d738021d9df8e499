package plots

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistogramsWritesPNG(t *testing.T) {
	p, err := Histograms("scores", "score", 20,
		Sample{Name: "normal", Values: []float64{-0.4, -0.42, -0.45, -0.41}},
		Sample{Name: "attack", Values: []float64{-0.6, -0.7}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "h.png")
	require.NoError(t, Save(p, path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))

	_, err = Histograms("t", "x", 10, Sample{Name: "nan", Values: []float64{math.NaN()}})
	require.ErrorContains(t, err, `sample "nan"`)
	_, err = Histograms("t", "x", 10, Sample{Name: "empty"})
	require.ErrorContains(t, err, `sample "empty" is empty`)
	_, err = Histograms("t", "x", 0)
	require.Error(t, err)
	_, err = Histograms("t", "x", 5, Sample{Name: "one value", Values: []float64{3, 3}})
	require.NoError(t, err)
}
