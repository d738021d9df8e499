package plots

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLinesWritesPNG(t *testing.T) {
	p, err := Lines("t", "x", "y", Series{Name: "a", X: []float64{0, 1, 2}, Y: []float64{1, 0, 2}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "a.png")
	require.NoError(t, Save(p, path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))
	_, err = Lines("t", "x", "y", Series{Name: "bad", X: []float64{0}, Y: nil})
	require.ErrorContains(t, err, `series "bad"`)
}
