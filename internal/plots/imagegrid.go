package plots

import (
	"fmt"
	"image"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Tile is one grey-level image of a grid: Width×Height pixels in [0, 1]
// (0 black, 1 white; values outside are clipped), row-major, with a caption
// drawn above it.
type Tile struct {
	Pixels        []float32
	Width, Height int
	Caption       string
}

// tileUpscale is the nearest-neighbour magnification applied before drawing,
// so small images (8×8 digits, 28×28 MNIST) stay crisp instead of being
// smoothed by the canvas's interpolation.
const tileUpscale = 8

// ImageGrid saves tiles as a PNG grid with cols columns, one tile per cell in
// row order, under a title. Use it to show images beside their perturbed
// versions with the model's predictions as captions.
func ImageGrid(path, title string, tiles []Tile, cols int) error {
	if len(tiles) == 0 || cols <= 0 {
		return fmt.Errorf("plots: image grid needs tiles and a positive column count (got %d tiles, %d columns)", len(tiles), cols)
	}
	rowCount := (len(tiles) + cols - 1) / cols
	grid := make([][]*plot.Plot, rowCount)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, t := range tiles {
		if t.Width <= 0 || len(t.Pixels) != t.Width*t.Height {
			return fmt.Errorf("plots: tile %d (%q) has %d pixels for %d×%d", i, t.Caption, len(t.Pixels), t.Width, t.Height)
		}
		p := plot.New()
		p.Title.Text = t.Caption
		p.HideAxes()
		p.Add(plotter.NewImage(greyImage(t), 0, 0, float64(t.Width), float64(t.Height)))
		grid[i/cols][i%cols] = p
	}
	const cell = 1.3 * vg.Inch
	titleHeight := 0.4 * vg.Inch
	canvas := vgimg.New(vg.Length(cols)*cell, vg.Length(rowCount)*cell+titleHeight)
	dc := draw.New(canvas)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	head := plot.New()
	head.Title.Text = title
	titleFont := head.Title.TextStyle
	titleFont.Handler = head.TextHandler
	dc.FillText(titleFont, vg.Point{X: dc.Center().X, Y: dc.Max.Y - titleHeight/2}, title)
	dc.Max.Y -= titleHeight
	tilesLayout := draw.Tiles{Rows: rowCount, Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter}
	cells := plot.Align(grid, tilesLayout, dc)
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				p.Draw(cells[r][c])
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("plots: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}

// greyImage renders a tile's pixels, magnified tileUpscale times.
func greyImage(t Tile) image.Image {
	img := image.NewGray(image.Rect(0, 0, t.Width*tileUpscale, t.Height*tileUpscale))
	for y := 0; y < t.Height*tileUpscale; y++ {
		for x := 0; x < t.Width*tileUpscale; x++ {
			v := min(max(t.Pixels[(y/tileUpscale)*t.Width+x/tileUpscale], 0), 1)
			img.SetGray(x, y, color.Gray{Y: uint8(v*255 + 0.5)})
		}
	}
	return img
}
