package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ClassScatter returns a scatter plot with one colour per series, such as a
// 2-D projection of embeddings with one series per class. Points are small
// filled circles so that thousands of them stay readable.
func ClassScatter(title, xLabel, yLabel string, classes ...Series) (*plot.Plot, error) {
	p := New(title, xLabel, yLabel)
	for i, s := range classes {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("plots: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, len(s.X))
		for j := range s.X {
			pts[j].X, pts[j].Y = s.X[j], s.Y[j]
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: series %q: %w", s.Name, err)
		}
		sc.Color = plotutil.Color(i)
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.6)
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
	}
	return p, nil
}
