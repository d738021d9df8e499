package plots

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHeatmapWritesPNG(t *testing.T) {
	values := [][]float64{{0, 0.5, 1}, {1, 0, 0.25}}
	p, err := Heatmap("t", "key", "query", values, []string{"a", "b", "c"}, nil)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "h.png")
	require.NoError(t, Save(p, path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))

	_, err = Heatmap("ragged", "", "", [][]float64{{1, 2}, {3}}, nil, nil)
	require.ErrorContains(t, err, "row 1 has 1 values")
	_, err = Heatmap("labels", "", "", values, []string{"a"}, nil)
	require.ErrorContains(t, err, "1 column")
	_, err = Heatmap("empty", "", "", nil, nil, nil)
	require.ErrorContains(t, err, "no values")
}
