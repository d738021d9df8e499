package plots

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func requirePNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))
}

func TestBarsAndHistogramWritePNG(t *testing.T) {
	dir := t.TempDir()
	p, err := Bars("accuracy by slice", "accuracy", "flagged", []Bar{
		{Label: "a", Value: 0.9, Low: 0.85, High: 0.94},
		{Label: "b", Value: 0.7, Low: 0.6, High: 0.78, Highlight: true},
		{Label: "c", Value: 0.8, Low: math.NaN(), High: math.NaN()},
	})
	require.NoError(t, err)
	require.NoError(t, Save(p, filepath.Join(dir, "bars.png")))
	requirePNG(t, filepath.Join(dir, "bars.png"))
	_, err = Bars("t", "y", "", []Bar{{Label: "x", Value: math.NaN()}})
	require.ErrorContains(t, err, `bar "x"`)

	h, err := Histogram("differences", "Δ accuracy", []float64{0.01, 0.02, 0.02, 0.03, -0.01}, 4, 0, 0.025)
	require.NoError(t, err)
	require.NoError(t, Save(h, filepath.Join(dir, "hist.png")))
	requirePNG(t, filepath.Join(dir, "hist.png"))
}
