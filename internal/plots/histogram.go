package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
)

// Sample is a named set of values whose distribution is plotted.
type Sample struct {
	Name   string
	Values []float64
}

// Histograms returns overlaid histograms of the samples over the same bins
// spanning all their values, each normalised to unit area so that groups of
// very different sizes (normal traffic and attacks, say) compare by shape.
// Each is drawn as a step outline over a translucent fill. Non-finite
// values are errors.
func Histograms(title, xLabel string, bins int, samples ...Sample) (*plot.Plot, error) {
	if bins < 1 {
		return nil, fmt.Errorf("plots: %d bins", bins)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range samples {
		if len(s.Values) == 0 {
			return nil, fmt.Errorf("plots: sample %q is empty", s.Name)
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: sample %q holds %v", s.Name, v)
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	p := New(title, xLabel, "density")
	for i, s := range samples {
		counts := make([]float64, bins)
		for _, v := range s.Values {
			counts[min(int((v-lo)/width), bins-1)]++
		}
		// PostStep draws each bin's height from its left edge to the next;
		// the last point closes the final bin.
		pts := make(plotter.XYs, bins+1)
		for b, c := range counts {
			pts[b].X, pts[b].Y = lo+float64(b)*width, c/(float64(len(s.Values))*width)
		}
		pts[bins].X, pts[bins].Y = hi, pts[bins-1].Y
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: sample %q: %w", s.Name, err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = plotutil.Color(i)
		r, g, b, _ := plotutil.Color(i).RGBA()
		l.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 70}
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	return p, nil
}
