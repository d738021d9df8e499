package plots

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestImageGridWritesPNG(t *testing.T) {
	ramp := make([]float32, 16)
	for i := range ramp {
		ramp[i] = float32(i) / 15
	}
	tiles := []Tile{
		{Pixels: ramp, Width: 4, Height: 4, Caption: "ramp"},
		{Pixels: make([]float32, 16), Width: 4, Height: 4, Caption: "black"},
		{Pixels: ramp, Width: 8, Height: 2, Caption: "wide"},
	}
	path := filepath.Join(t.TempDir(), "grid.png")
	require.NoError(t, ImageGrid(path, "three tiles", tiles, 2))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Greater(t, img.Bounds().Dx(), 100)

	require.ErrorContains(t, ImageGrid(path, "bad", []Tile{{Pixels: ramp, Width: 3, Height: 3, Caption: "x"}}, 1), `tile 0 ("x") has 16 pixels for 3×3`)
	require.Error(t, ImageGrid(path, "none", nil, 3))
}
