package adversarial

import (
	"context"

	"github.com/mlprep/mlprep/internal/nn"
)

// Attack crafts adversarial inputs against a model. FGSM, PGD and DeepFool
// implement it.
type Attack interface {
	// Perturb returns adversarial versions of the n×d inputs x. labels are
	// the true classes, or the classes to reach for a targeted attack.
	Perturb(ctx context.Context, m Model, x *Matrix, labels []int) (*Result, error)
}

// Result is an attack's output for a batch.
type Result struct {
	// X holds the adversarial inputs, n×d, inside the attack's Range.
	X *Matrix
	// Pred is the model's class for each row of X.
	Pred []int
	// Success says, per row, whether the attack reached its goal: a class
	// other than the label, or the target class for a targeted attack.
	Success []bool
}

func newResult(n, d int) *Result {
	return &Result{X: nn.NewMat(n, d), Pred: make([]int, n), Success: make([]bool, n)}
}

// finish fills the predictions and successes of rows [lo, hi).
func (r *Result) finish(m Model, lo, hi int, labels []int, targeted bool) {
	predictInto(m, rows(r.X, lo, hi), labels[lo:hi], targeted, r.Pred[lo:hi], r.Success[lo:hi])
}
