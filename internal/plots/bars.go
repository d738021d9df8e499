package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Bar is one labelled bar with an optional interval [Low, High] (drawn as an
// error bar when both are finite) and a highlight (drawn in a second
// colour, e.g. a slice flagged as worse than the rest).
type Bar struct {
	Label            string
	Value, Low, High float64
	Highlight        bool
}

// intervals adapts bars to plotter.XYer and plotter.YErrorer.
type intervals []Bar

func (b intervals) Len() int                    { return len(b) }
func (b intervals) XY(i int) (float64, float64) { return float64(i), b[i].Value }
func (b intervals) YError(i int) (float64, float64) {
	return b[i].Value - b[i].Low, b[i].High - b[i].Value
}

// Bars returns a bar chart of the bars with their intervals; highlighted
// bars are labelled highlightName in the legend.
func Bars(title, yLabel, highlightName string, bars []Bar) (*plot.Plot, error) {
	p := New(title, "", yLabel)
	plain := make(plotter.Values, len(bars))
	marked := make(plotter.Values, len(bars))
	var labels []string
	var withCI intervals
	var ciX []int
	for i, b := range bars {
		if math.IsNaN(b.Value) {
			return nil, fmt.Errorf("plots: bar %q is NaN", b.Label)
		}
		if b.Highlight {
			marked[i] = b.Value
		} else {
			plain[i] = b.Value
		}
		labels = append(labels, b.Label)
		if !math.IsNaN(b.Low) && !math.IsNaN(b.High) && !math.IsInf(b.Low, 0) && !math.IsInf(b.High, 0) && (b.Low != 0 || b.High != 0) {
			withCI = append(withCI, b)
			ciX = append(ciX, i)
		}
	}
	width := vg.Points(min(40, 360/float64(max(1, len(bars)))))
	for k, vals := range []plotter.Values{plain, marked} {
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		bc.Color = plotutil.Color(2 - 2*k) // blue bars, red highlights
		bc.LineStyle.Width = 0
		p.Add(bc)
		if k == 1 && highlightName != "" {
			p.Legend.Add(highlightName, bc)
		}
	}
	if len(withCI) > 0 {
		eb, err := plotter.NewYErrorBars(withCI)
		if err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		for j := range eb.XYs {
			eb.XYs[j].X = float64(ciX[j])
		}
		p.Add(eb)
	}
	p.NominalX(labels...)
	return p, nil
}

// Histogram returns a histogram of values in bins bins, with a dashed
// vertical line at each marker (a null value, interval ends).
func Histogram(title, xLabel string, values []float64, bins int, markers ...float64) (*plot.Plot, error) {
	p := New(title, xLabel, "count")
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	h.FillColor = plotutil.Color(0)
	p.Add(h)
	top := 0.0
	for _, b := range h.Bins {
		top = max(top, b.Weight)
	}
	for i, m := range markers {
		l, err := plotter.NewLine(plotter.XYs{{X: m, Y: 0}, {X: m, Y: top}})
		if err != nil {
			return nil, fmt.Errorf("plots: marker %v: %w", m, err)
		}
		l.Color = plotutil.Color(i + 1)
		l.Dashes = plotutil.Dashes(1)
		p.Add(l)
	}
	return p, nil
}
