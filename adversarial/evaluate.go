package adversarial

import (
	"context"
	"fmt"
	"math"

	"github.com/mlprep/mlprep/internal/nn"
)

// Evaluation summarises an untargeted attack on a labelled batch.
type Evaluation struct {
	// N is the number of rows.
	N int
	// CleanAccuracy is the fraction of rows the model classifies correctly.
	CleanAccuracy float64
	// RobustAccuracy is the fraction classified correctly both before and
	// after the attack: the accuracy against an adversary who may also
	// leave an input alone.
	RobustAccuracy float64
	// SuccessRate is the fraction of the correctly classified rows that the
	// attack made wrong; NaN when the model gets no row right.
	SuccessRate float64
	// MeanL2 and MeanLinf are the mean norms of x' − x over the rows where
	// the attack succeeded; NaN when it never did.
	MeanL2, MeanLinf float64
}

func (e Evaluation) String() string {
	return fmt.Sprintf("n=%d clean=%.4f robust=%.4f success=%.4f meanL2=%.4g meanL∞=%.4g",
		e.N, e.CleanAccuracy, e.RobustAccuracy, e.SuccessRate, e.MeanL2, e.MeanLinf)
}

// Evaluate runs the untargeted attack a against m on (x, labels) and
// summarises it. Errors are those of the attack.
func Evaluate(ctx context.Context, m Model, a Attack, x *Matrix, labels []int) (Evaluation, error) {
	clean, err := predictAll(ctx, m, x, labels)
	if err != nil {
		return Evaluation{}, err
	}
	res, err := a.Perturb(ctx, m, x, labels)
	if err != nil {
		return Evaluation{}, err
	}
	return summarise(x, labels, clean, res), nil
}

// SweepPoint is the evaluation of an attack at one budget.
type SweepPoint struct {
	Epsilon float64
	Evaluation
}

// Sweep evaluates attackAt(ε) for each budget in epsilons, the curve of
// robust accuracy against ε that a robustness claim should come with (one
// ε says little: a defence may only move the curve sideways).
func Sweep(ctx context.Context, m Model, attackAt func(epsilon float64) Attack, epsilons []float64, x *Matrix, labels []int) ([]SweepPoint, error) {
	clean, err := predictAll(ctx, m, x, labels)
	if err != nil {
		return nil, err
	}
	out := make([]SweepPoint, 0, len(epsilons))
	for _, eps := range epsilons {
		res, err := attackAt(eps).Perturb(ctx, m, x, labels)
		if err != nil {
			return nil, fmt.Errorf("ε = %v: %w", eps, err)
		}
		out = append(out, SweepPoint{Epsilon: eps, Evaluation: summarise(x, labels, clean, res)})
	}
	return out, nil
}

// predictAll validates the batch and returns the model's class for each row.
func predictAll(ctx context.Context, m Model, x *Matrix, labels []int) ([]int, error) {
	if _, err := checkBatch(m, x, labels, float32(math.Inf(-1)), float32(math.Inf(1))); err != nil {
		return nil, err
	}
	pred := make([]int, x.Rows)
	err := forChunks(ctx, x.Rows, 0, func(lo, hi int) {
		logits := m.Logits(rows(x, lo, hi))
		checkOutput("logits", logits, hi-lo, -1)
		copy(pred[lo:hi], nn.Argmax(logits))
	})
	return pred, err
}

func summarise(x *Matrix, labels, clean []int, res *Result) Evaluation {
	e := Evaluation{N: x.Rows}
	var correct, robust, flipped int
	var sumL2, sumLinf float64
	diff := make([]float32, x.Cols)
	for i, y := range labels {
		if clean[i] != y {
			continue
		}
		correct++
		if res.Pred[i] == y {
			robust++
			continue
		}
		flipped++
		xi, ai := x.Row(i), res.X.Row(i)
		for j := range diff {
			diff[j] = ai[j] - xi[j]
		}
		sumL2 += norm(L2, diff)
		sumLinf += norm(LInf, diff)
	}
	n := float64(x.Rows)
	e.CleanAccuracy = float64(correct) / n
	e.RobustAccuracy = float64(robust) / n
	e.SuccessRate = ratio(float64(flipped), float64(correct))
	e.MeanL2 = ratio(sumL2, float64(flipped))
	e.MeanLinf = ratio(sumLinf, float64(flipped))
	return e
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
