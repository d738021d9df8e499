package adversarial

import "context"

// FGSM is the fast gradient sign method of Goodfellow, Shlens and Szegedy
// (2015): one step of size Epsilon along the sign of the input gradient of the
// cross-entropy, x' = clip(x + ε·sign(∇ₓL(x, y))), which is the worst case
// of a linear model inside the L∞ ball of radius ε. Targeted, it steps down
// the loss of the target class instead: x' = clip(x − ε·sign(∇ₓL(x, t))).
//
// The zero value (ε = 0) returns the inputs unchanged.
type FGSM struct {
	// Epsilon is the L∞ budget, in input units (0.25 is a quarter of the
	// pixel range).
	Epsilon float64
	// Targeted makes Perturb's labels the classes to reach.
	Targeted bool
	// Range is the valid input box; the zero value means [0, 1].
	Range Range
	// Workers bounds the goroutines (GOMAXPROCS when ≤ 0).
	Workers int
}

// Perturb runs the attack; see Attack.
func (a FGSM) Perturb(ctx context.Context, m Model, x *Matrix, labels []int) (*Result, error) {
	if err := checkEpsilon("Epsilon", a.Epsilon); err != nil {
		return nil, err
	}
	lo, hi, _, err := checkAttack(m, x, labels, a.Range)
	if err != nil {
		return nil, err
	}
	step := float32(a.Epsilon)
	if a.Targeted {
		step = -step
	}
	res := newResult(x.Rows, x.Cols)
	err = forChunks(ctx, x.Rows, a.Workers, func(r0, r1 int) {
		xc := rows(x, r0, r1)
		_, g := m.InputGradient(xc, crossEntropyGrad(labels[r0:r1]))
		checkOutput("input gradient", g, xc.Rows, xc.Cols)
		out := rows(res.X, r0, r1).Data
		for j, v := range xc.Data {
			out[j] = min(max(v+step*sign(g.Data[j]), lo), hi)
		}
		res.finish(m, r0, r1, labels, a.Targeted)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
