package nn

import (
	"math"
	"math/rand/v2"
)

// GradCheck configures CheckGradient. The zero value checks every coordinate
// with a step of 1e-2.
type GradCheck struct {
	// Step is the finite-difference step h (central differences). float32
	// rounding makes steps much below 1e-3 noisy.
	Step float64
	// Samples, if positive, checks only that many randomly chosen coordinates.
	Samples int
	Rand    *rand.Rand
}

// GradCheckResult reports the worst disagreement between the analytic and
// numerical gradients.
type GradCheckResult struct {
	MaxAbsErr, MaxRelErr float64
	// Worst is the coordinate with the largest relative error.
	Worst   int
	Checked int
}

// CheckGradient compares analytic with central differences of loss with
// respect to the values x (a parameter's Value.Data or an input's Data):
// (loss(x+h) − loss(x−h)) / 2h, accumulated in float64. loss must recompute
// the forward pass from x each call. The relative error of a coordinate is
// |a − n| / max(|a| + |n|, 1e-3), which stays meaningful for tiny gradients.
func (c GradCheck) CheckGradient(loss func() float64, x, analytic []float32) GradCheckResult {
	if len(x) != len(analytic) {
		panic("nn: CheckGradient: values and analytic gradient differ in length")
	}
	h := c.Step
	if h == 0 {
		h = 1e-2
	}
	coords := make([]int, len(x))
	for i := range coords {
		coords[i] = i
	}
	if c.Samples > 0 && c.Samples < len(x) {
		rng := c.Rand
		if rng == nil {
			rng = NewRand(1)
		}
		rng.Shuffle(len(coords), func(i, j int) { coords[i], coords[j] = coords[j], coords[i] })
		coords = coords[:c.Samples]
	}
	var r GradCheckResult
	for _, i := range coords {
		orig := x[i]
		x[i] = orig + float32(h)
		up := loss()
		x[i] = orig - float32(h)
		down := loss()
		x[i] = orig
		// Divide by the step actually taken after float32 rounding.
		taken := float64(orig+float32(h)) - float64(orig-float32(h))
		num := (up - down) / taken
		a := float64(analytic[i])
		abs := math.Abs(a - num)
		rel := abs / math.Max(math.Abs(a)+math.Abs(num), 1e-3)
		if abs > r.MaxAbsErr {
			r.MaxAbsErr = abs
		}
		if rel > r.MaxRelErr || r.Checked == 0 {
			r.MaxRelErr, r.Worst = rel, i
		}
		r.Checked++
	}
	return r
}

// ProbeLoss returns a loss that is a fixed random projection of a layer's
// output, L = Σ r∘y accumulated in float64, with r drawn from rng, and its
// gradient dL/dy = r. Being linear in y, it makes a gradient check test only
// the layer's backward pass.
func ProbeLoss(rows, cols int, rng *rand.Rand) (loss func(y *Mat) float64, dy *Mat) {
	r := NewMat(rows, cols)
	for i := range r.Data {
		r.Data[i] = float32(rng.NormFloat64())
	}
	return func(y *Mat) float64 {
		SameShape("ProbeLoss", y, r)
		var s float64
		for i, v := range y.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}, r
}
