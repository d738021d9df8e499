package adversarial

import (
	"context"
	"fmt"
	"math"

	"github.com/mlprep/mlprep/internal/nn"
)

// DeepFool is the minimal-L2 attack of Moosavi-Dezfooli, Fawzi and Frossard
// (2016). It linearises the classifier around the current point: the
// boundary between the label y and class k is where
// f_k(x) − f_y(x) = 0, at L2 distance |f_k − f_y| / ‖∇f_k − ∇f_y‖₂ to first
// order. Each iteration steps just across the nearest such boundary,
//
//	r ← r + (|f_l − f_y| + 10⁻⁴) / ‖w_l‖₂² · w_l,  w_l = ∇f_l − ∇f_y,
//
// and evaluates x' = clip(x + (1 + Overshoot)·r), until the model's class
// changes or MaxIter is reached. It has no budget: the size of what it
// finds, ‖r‖₂, is itself a measure of robustness. Rows the model already
// misclassifies are returned unchanged.
//
// DeepFool needs the gradient of every class score, which it gets from
// Model.InputGradient on a batch holding k copies of each row. The zero
// value is usable.
type DeepFool struct {
	// Overshoot pushes the final point past the linearised boundary; the
	// zero value means the paper's 0.02.
	Overshoot float64
	// MaxIter bounds the iterations; the zero value means 50.
	MaxIter int
	// Range is the valid input box; the zero value means [0, 1].
	Range Range
	// Workers bounds the goroutines (GOMAXPROCS when ≤ 0).
	Workers int
}

// Perturb runs the attack; labels are the true classes. See Attack.
func (a DeepFool) Perturb(ctx context.Context, m Model, x *Matrix, labels []int) (*Result, error) {
	if err := checkEpsilon("Overshoot", a.Overshoot); err != nil {
		return nil, err
	}
	if a.MaxIter < 0 {
		return nil, fmt.Errorf("%w: DeepFool MaxIter %d < 0", ErrConfig, a.MaxIter)
	}
	lo, hi, k, err := checkAttack(m, x, labels, a.Range)
	if err != nil {
		return nil, err
	}
	res := newResult(x.Rows, x.Cols)
	err = forChunks(ctx, x.Rows, a.Workers, func(r0, r1 int) {
		a.run(m, rows(x, r0, r1), labels[r0:r1], k, lo, hi, rows(res.X, r0, r1))
		res.finish(m, r0, r1, labels, false)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a DeepFool) run(m Model, x *Matrix, labels []int, k int, lo, hi float32, out *Matrix) {
	overshoot, maxIter := a.Overshoot, a.MaxIter
	if overshoot == 0 {
		overshoot = 0.02
	}
	if maxIter == 0 {
		maxIter = 50
	}
	r := nn.NewMat(x.Rows, x.Cols) // accumulated perturbation per row
	copy(out.Data, x.Data)
	active := make([]int, x.Rows) // rows still classified as their label
	for i := range active {
		active[i] = i
	}
	for iter := 0; iter <= maxIter && len(active) > 0; iter++ {
		batch, lossGrad := repeatRows(out, active, labels, k)
		logits, grad := m.InputGradient(batch, lossGrad)
		checkOutput("input gradient", grad, batch.Rows, batch.Cols)
		pred := nn.Argmax(logits)
		still := active[:0]
		for a, i := range active {
			f := logits.Row(a * k)
			y := labels[i]
			if pred[a*k] != y || iter == maxIter {
				continue
			}
			best, bestDist := -1, math.Inf(1)
			for c := 0; c < k; c++ {
				if c == y {
					continue
				}
				wn := l2(grad.Row(a*k + c))
				dist := math.Abs(float64(f[c]-f[y])) / wn
				if wn > 0 && dist < bestDist {
					best, bestDist = c, dist
				}
			}
			if best < 0 {
				continue // flat in every direction: nothing to follow
			}
			w := grad.Row(a*k + best)
			wn := l2(w)
			step := float32((math.Abs(float64(f[best]-f[y])) + 1e-4) / (wn * wn))
			ri, oi, xi := r.Row(i), out.Row(i), x.Row(i)
			for j, v := range w {
				ri[j] += step * v
				oi[j] = min(max(xi[j]+float32(1+overshoot)*ri[j], lo), hi)
			}
			still = append(still, i)
		}
		active = still
	}
}

// repeatRows returns a batch with k copies of each row of x listed in idx,
// and the lossGrad that gives copy c of row i the gradient of f_c − f_y with
// y = labels[i].
func repeatRows(x *Matrix, idx, labels []int, k int) (*Matrix, func(*Matrix) *Matrix) {
	batch := nn.NewMat(len(idx)*k, x.Cols)
	for a, i := range idx {
		for c := 0; c < k; c++ {
			copy(batch.Row(a*k+c), x.Row(i))
		}
	}
	return batch, func(logits *Matrix) *Matrix {
		checkOutput("logits", logits, batch.Rows, k)
		d := nn.NewMat(logits.Rows, k)
		for a, i := range idx {
			for c := 0; c < k; c++ {
				row := d.Row(a*k + c)
				row[c]++
				row[labels[i]]--
			}
		}
		return d
	}
}
