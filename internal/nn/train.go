package nn

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// TrainOptions configures TrainClassifier. The zero value is not usable:
// Epochs, BatchSize and Optimizer must be set.
type TrainOptions struct {
	Epochs    int
	BatchSize int
	Optimizer Optimizer
	// LabelSmoothing is CrossEntropy's ε.
	LabelSmoothing float64
	// Rand shuffles the batches; nil keeps the data order.
	Rand *rand.Rand
	// Augment, if set, may replace a batch's inputs before each step (random
	// shifts, adversarial examples…). It must not modify x in place.
	Augment func(x *Mat, labels []int) *Mat
	// OnEpoch, if set, is called after each epoch with the mean training loss.
	OnEpoch func(epoch int, loss float64)
}

// TrainClassifier fits model to (x, labels) by mini-batch cross-entropy and
// returns the mean loss of the last epoch. It stops with ctx's error if ctx is
// cancelled between batches.
func TrainClassifier(ctx context.Context, model Layer, x *Mat, labels []int, opt TrainOptions) (float64, error) {
	if len(labels) != x.Rows {
		panic(fmt.Sprintf("nn: TrainClassifier: %d labels for inputs %s", len(labels), x.Shape()))
	}
	if opt.Epochs <= 0 || opt.BatchSize <= 0 || opt.Optimizer == nil {
		return 0, fmt.Errorf("nn: TrainClassifier needs Epochs, BatchSize and an Optimizer (got %d, %d, %v)", opt.Epochs, opt.BatchSize, opt.Optimizer)
	}
	params := model.Params()
	var last float64
	yb := make([]int, 0, opt.BatchSize)
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		var sum float64
		batches := Batches(x.Rows, opt.BatchSize, opt.Rand)
		for _, idx := range batches {
			if err := ctx.Err(); err != nil {
				return last, err
			}
			xb := Gather(x, idx)
			yb = yb[:0]
			for _, i := range idx {
				yb = append(yb, labels[i])
			}
			if opt.Augment != nil {
				xb = opt.Augment(xb, yb)
			}
			ZeroGrad(params)
			loss, dlogits := CrossEntropy(model.Forward(xb, true), yb, opt.LabelSmoothing)
			BackwardParams(model, dlogits)
			opt.Optimizer.Step(params)
			sum += loss * float64(len(idx))
		}
		last = sum / float64(x.Rows)
		if opt.OnEpoch != nil {
			opt.OnEpoch(epoch, last)
		}
	}
	return last, nil
}

// Predict runs model in evaluation mode over x in batches of size and returns
// the argmax class of each row.
func Predict(model Layer, x *Mat, size int) []int {
	out := make([]int, 0, x.Rows)
	for lo := 0; lo < x.Rows; lo += size {
		hi := min(lo+size, x.Rows)
		xb := MatFrom(hi-lo, x.Cols, x.Data[lo*x.Cols:hi*x.Cols])
		out = append(out, Argmax(model.Forward(xb, false))...)
	}
	return out
}
