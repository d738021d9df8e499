package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// grid adapts a rows×cols table to plotter.GridXYZ: column c at x = c, row r
// at y = r.
type grid [][]float64

func (g grid) Dims() (c, r int)   { return len(g[0]), len(g) }
func (g grid) Z(c, r int) float64 { return g[r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// Heatmap returns a plot of values (rows × columns) as coloured cells, dark
// for the smallest value and bright for the largest, with row 0 at the top
// as matrices (attention maps, confusion matrices) are read. xTicks and
// yTicks, if not nil, label every column and row.
func Heatmap(title, xLabel, yLabel string, values [][]float64, xTicks, yTicks []string) (*plot.Plot, error) {
	if len(values) == 0 || len(values[0]) == 0 {
		return nil, fmt.Errorf("plots: heatmap %q has no values", title)
	}
	for i, row := range values {
		if len(row) != len(values[0]) {
			return nil, fmt.Errorf("plots: heatmap %q: row %d has %d values, row 0 has %d", title, i, len(row), len(values[0]))
		}
	}
	if (xTicks != nil && len(xTicks) != len(values[0])) || (yTicks != nil && len(yTicks) != len(values)) {
		return nil, fmt.Errorf("plots: heatmap %q: %d×%d values with %d column and %d row labels", title, len(values), len(values[0]), len(xTicks), len(yTicks))
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewHeatMap(grid(values), moreland.ExtendedBlackBody().Palette(255)))
	p.Y.Scale = plot.InvertedScale{Normalizer: p.Y.Scale}
	if xTicks != nil {
		p.X.Tick.Marker = labelled(xTicks)
	}
	if yTicks != nil {
		p.Y.Tick.Marker = labelled(yTicks)
	}
	return p, nil
}

// labelled puts labels[i] under cell i.
func labelled(labels []string) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(labels))
	for i, l := range labels {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
	}
	return ticks
}
