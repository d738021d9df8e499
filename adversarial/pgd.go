package adversarial

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
)

// Norm selects the ball an iterative attack stays in.
type Norm int

const (
	// LInf is the L∞ ball: every coordinate moves by at most ε. Steps follow
	// the gradient's sign.
	LInf Norm = iota
	// L2 is the Euclidean ball: the whole perturbation has length at most ε.
	// Steps follow the gradient normalised to unit length.
	L2
)

func (n Norm) String() string {
	switch n {
	case LInf:
		return "L∞"
	case L2:
		return "L2"
	}
	return fmt.Sprintf("Norm(%d)", int(n))
}

// PGD is projected gradient ascent on the loss (Madry et al., 2018): from a
// start x' = x₀ inside the ball of radius Epsilon around x, repeat Steps
// times
//
//	x' ← x' + α·s,  s = sign(∇L(x')) (L∞) or ∇L(x')/‖∇L(x')‖₂ (L2)
//	δ  ← x' − x projected onto the ball (clamp to ±ε, or rescale to ‖δ‖₂ ≤ ε)
//	x' ← clip(x + δ) to the Range
//
// With RandomStart, x₀ = clip(x + δ₀) with δ₀ uniform in the L∞ ball, or in
// the L2 ball with a uniform radius (as torchattacks' PGDL2); without it
// x₀ = x, which is the basic iterative method (BIM, or I-FGSM) of Kurakin,
// Goodfellow and Bengio (2017). Targeted attacks descend the loss of the
// target class. The update order and float32 rounding follow the PyTorch
// reference implementations, so perturbations agree to float32 precision.
//
// A PGD value that draws random starts uses Rand, so it must not be used
// from two goroutines at once; otherwise it is read-only.
type PGD struct {
	Norm Norm
	// Epsilon is the radius of the ball.
	Epsilon float64
	// Step is α, the length of each step in the ball's norm (L∞: per
	// coordinate; L2: of the whole step). Madry et al. use 2.5·ε/Steps.
	Step float64
	// Steps is the number of iterations; at least 1.
	Steps int
	// RandomStart draws δ₀ from Rand.
	RandomStart bool
	// Start, if set, is δ₀ for every row (n×d, inside the ball), used instead
	// of a random draw: to reproduce a run, or to warm-start.
	Start *Matrix
	// Rand is the source of random starts. Nil means a generator seeded
	// with 1 for each call, so repeated calls draw the same starts.
	Rand *rand.Rand
	// Targeted makes Perturb's labels the classes to reach.
	Targeted bool
	// Range is the valid input box; the zero value means [0, 1].
	Range Range
	// Workers bounds the goroutines (GOMAXPROCS when ≤ 0).
	Workers int
}

// BIM returns the basic iterative method (iterative FGSM) of Kurakin et al.:
// L∞ PGD from the clean input, steps of size step.
func BIM(epsilon, step float64, steps int) PGD {
	return PGD{Norm: LInf, Epsilon: epsilon, Step: step, Steps: steps}
}

// Perturb runs the attack; see Attack.
func (a PGD) Perturb(ctx context.Context, m Model, x *Matrix, labels []int) (*Result, error) {
	if err := a.check(x); err != nil {
		return nil, err
	}
	lo, hi, _, err := checkAttack(m, x, labels, a.Range)
	if err != nil {
		return nil, err
	}
	start := a.start(x)
	res := newResult(x.Rows, x.Cols)
	err = forChunks(ctx, x.Rows, a.Workers, func(r0, r1 int) {
		var s *Matrix
		if start != nil {
			s = rows(start, r0, r1)
		}
		a.run(m, rows(x, r0, r1), labels[r0:r1], s, lo, hi, rows(res.X, r0, r1))
		res.finish(m, r0, r1, labels, a.Targeted)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a PGD) check(x *Matrix) error {
	if err := checkEpsilon("Epsilon", a.Epsilon); err != nil {
		return err
	}
	if err := checkEpsilon("Step", a.Step); err != nil {
		return err
	}
	if a.Steps < 1 {
		return fmt.Errorf("%w: PGD needs Steps ≥ 1, got %d", ErrConfig, a.Steps)
	}
	if a.Norm != LInf && a.Norm != L2 {
		return fmt.Errorf("%w: unknown norm %v", ErrConfig, a.Norm)
	}
	if a.Start == nil || x == nil {
		return nil
	}
	if a.Start.Rows != x.Rows || a.Start.Cols != x.Cols {
		return fmt.Errorf("%w: Start %s for inputs %s", ErrBatch, a.Start.Shape(), x.Shape())
	}
	// Allow float32 rounding of a start drawn exactly on the sphere.
	limit := a.Epsilon * (1 + 1e-5)
	for i := 0; i < x.Rows; i++ {
		if n := norm(a.Norm, a.Start.Row(i)); !(n <= limit) {
			return fmt.Errorf("%w: Start row %d has %v norm %v, outside ε = %v", ErrConfig, i, a.Norm, n, a.Epsilon)
		}
	}
	return nil
}

// start returns δ₀ for the whole batch, drawn in row order before any work
// is split, so the draw does not depend on the number of workers; nil means
// start from x.
func (a PGD) start(x *Matrix) *Matrix {
	if a.Start != nil {
		return a.Start
	}
	if !a.RandomStart {
		return nil
	}
	rng := a.Rand
	if rng == nil {
		rng = nn.NewRand(1)
	}
	d := nn.NewMat(x.Rows, x.Cols)
	switch a.Norm {
	case LInf:
		nn.Uniform(d, -a.Epsilon, a.Epsilon, rng)
	case L2:
		for i := 0; i < d.Rows; i++ {
			row := d.Row(i)
			for j := range row {
				row[j] = float32(rng.NormFloat64())
			}
			scaleTo(row, a.Epsilon*rng.Float64())
		}
	}
	return d
}

// run attacks one chunk: x and labels are its rows, start its δ₀ (or nil),
// [lo, hi] the Range, and out receives the adversarial rows.
func (a PGD) run(m Model, x *Matrix, labels []int, start *Matrix, lo, hi float32, out *Matrix) {
	eps, alpha := float32(a.Epsilon), float32(a.Step)
	if a.Targeted {
		alpha = -alpha
	}
	copy(out.Data, x.Data)
	if start != nil {
		for j, v := range x.Data {
			out.Data[j] = min(max(v+start.Data[j], lo), hi)
		}
	}
	lossGrad := crossEntropyGrad(labels)
	for range a.Steps {
		_, g := m.InputGradient(out, lossGrad)
		checkOutput("input gradient", g, x.Rows, x.Cols)
		for i := 0; i < x.Rows; i++ {
			xi, oi, gi := x.Row(i), out.Row(i), g.Row(i)
			switch a.Norm {
			case LInf:
				for j, v := range xi {
					delta := min(max(oi[j]+alpha*sign(gi[j])-v, -eps), eps)
					oi[j] = min(max(v+delta, lo), hi)
				}
			case L2:
				if gn := float32(l2(gi)); gn > 0 {
					for j := range oi {
						oi[j] += float32(alpha * float32(gi[j]/gn))
					}
				}
				for j, v := range xi {
					oi[j] -= v
				}
				if dn := l2(oi); dn > a.Epsilon {
					factor := float32(a.Epsilon / dn)
					for j := range oi {
						oi[j] *= factor
					}
				}
				for j, v := range xi {
					oi[j] = min(max(v+oi[j], lo), hi)
				}
			}
		}
	}
}

// norm returns the L∞ or L2 norm of v.
func norm(n Norm, v []float32) float64 {
	if n == L2 {
		return l2(v)
	}
	var m float32
	for _, x := range v {
		m = max(m, float32(math.Abs(float64(x))))
	}
	return float64(m)
}

// l2 returns ‖v‖₂, accumulated in float64.
func l2(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// scaleTo rescales v to length r (leaving a zero vector alone).
func scaleTo(v []float32, r float64) {
	if n := l2(v); n > 0 {
		f := float32(r / n)
		for j := range v {
			v[j] *= f
		}
	}
}
