package plots

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClassScatterWritesPNG(t *testing.T) {
	p, err := ClassScatter("t", "x", "y", Series{Name: "a", X: []float64{0, 1}, Y: []float64{1, 0}}, Series{Name: "b", X: []float64{2}, Y: []float64{2}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "s.png")
	require.NoError(t, Save(p, path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))
	_, err = ClassScatter("t", "x", "y", Series{Name: "bad", X: []float64{0}})
	require.ErrorContains(t, err, `series "bad"`)
}
