package quant

import (
	"fmt"
	"math"

	"github.com/mlprep/mlprep/internal/nn"
)

// SQNR is the signal-to-quantisation-noise ratio of approx against ref in
// decibels, 10·log10(Σ ref² / Σ (ref − approx)²), accumulated in float64:
// each bit of a uniform quantiser adds about 6 dB. It is +Inf when approx
// equals ref and NaN when both sums are zero. It panics if the lengths
// differ.
func SQNR(ref, approx []float32) float64 {
	if len(ref) != len(approx) {
		panic(fmt.Sprintf("quant: SQNR: %d reference values, %d approximations", len(ref), len(approx)))
	}
	var signal, noise float64
	for i, r := range ref {
		e := float64(r) - float64(approx[i])
		signal += float64(r) * float64(r)
		noise += e * e
	}
	return 10 * math.Log10(signal/noise)
}

// maxAbsDiff is max_i |a[i] − b[i]|.
func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// LayerReport is one quantised layer measured against its float original.
type LayerReport struct {
	// Name is the layer's position in the float Sequential, as in PyTorch's
	// state dict ("0", "2", …).
	Name    string
	In, Out int
	// Weight errors: the dequantised int8 weights against the float ones.
	WeightSQNR, WeightMaxErr float64
	// Output errors: the layer's output (after its ReLU) in the quantised
	// model against the float model's, both run end to end on the same
	// input, so they include what earlier layers contributed.
	OutputSQNR, OutputMaxErr float64
}

// Compare runs float and its quantised version q on x and reports each
// layer's weight and output error. float must be the model q was made from
// (same layers and sizes), else it returns ErrUnsupported; NaN or Inf in x
// gives ErrNonFinite.
func Compare(float *nn.Sequential, q *Model, x *nn.Mat) ([]LayerReport, error) {
	steps, err := plan(float)
	if err != nil {
		return nil, err
	}
	if len(steps) != len(q.layers) {
		return nil, fmt.Errorf("%w: float model has %d Dense layers, quantised %d", ErrUnsupported, len(steps), len(q.layers))
	}
	reports := make([]LayerReport, len(steps))
	for i, st := range steps {
		l := q.layers[i]
		if st.dense.In() != l.in || st.dense.Out() != l.out || st.relu != l.relu {
			return nil, fmt.Errorf("%w: float layer %s (%d→%d, ReLU %v) against quantised %s (%d→%d, ReLU %v)", ErrUnsupported,
				st.name, st.dense.In(), st.dense.Out(), st.relu, l.name, l.in, l.out, l.relu)
		}
		w, deq := st.dense.W.Value.Data, l.weight.Dequantize()
		reports[i] = LayerReport{Name: st.name, In: l.in, Out: l.out, WeightSQNR: SQNR(w, deq), WeightMaxErr: maxAbsDiff(w, deq)}
	}
	outs := make([][]float32, len(steps))
	if _, err := q.forward(x, func(i int, y []float32) { outs[i] = y }); err != nil {
		return nil, err
	}
	ref := x
	for i, st := range steps {
		ref = denseForward(st, ref)
		reports[i].OutputSQNR = SQNR(ref.Data, outs[i])
		reports[i].OutputMaxErr = maxAbsDiff(ref.Data, outs[i])
	}
	return reports, nil
}
