package adversarial

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlprep/mlprep/internal/nn"
)

// TrainOptions configures Train. Attack, Epochs, BatchSize and Optimizer
// must be set.
type TrainOptions struct {
	// Attack crafts each mini-batch's adversarial examples against the
	// current weights: PGD with a random start for Madry et al.'s training,
	// or PGD{Steps: 1, Step: 1.25·ε, RandomStart: true} for the "fast"
	// FGSM-with-random-start training of Wong, Rice and Kolter (2020).
	Attack    Attack
	Epochs    int
	BatchSize int
	Optimizer nn.Optimizer
	// Rand shuffles the batches; nil keeps the data order.
	Rand *rand.Rand
	// Augment, if set, transforms each clean batch before the attack (random
	// shifts, say). It must not modify x in place.
	Augment func(x *Matrix, labels []int) *Matrix
	// OnEpoch, if set, is called after each epoch with the mean training
	// loss on the adversarial batches.
	OnEpoch func(epoch int, loss float64)
}

// Train fits model by adversarial training, the min-max problem of Madry et
// al. (2018): min_θ E max_{‖δ‖≤ε} L(θ, x + δ, y), the inner maximum
// approximated by opt.Attack on every mini-batch, the outer minimum by the
// optimiser on the resulting adversarial batch. It returns the mean loss of
// the last epoch, and stops with ctx's error when ctx is cancelled or with
// the attack's error if one fails.
func Train(ctx context.Context, model nn.Layer, x *Matrix, labels []int, opt TrainOptions) (float64, error) {
	if opt.Attack == nil {
		return 0, fmt.Errorf("%w: Train needs an Attack", ErrConfig)
	}
	target := FromLayer(model)
	// Validate the whole set first: a bad label found by the attack halfway
	// through would otherwise reach the loss, which panics on it.
	if _, err := checkBatch(target, x, labels, float32(math.Inf(-1)), float32(math.Inf(1))); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	augment := func(xb *Matrix, yb []int) *Matrix {
		if opt.Augment != nil {
			xb = opt.Augment(xb, yb)
		}
		res, err := opt.Attack.Perturb(ctx, target, xb, yb)
		if err != nil {
			cancel(err)
			return xb
		}
		return res.X
	}
	loss, err := nn.TrainClassifier(ctx, model, x, labels, nn.TrainOptions{
		Epochs: opt.Epochs, BatchSize: opt.BatchSize, Optimizer: opt.Optimizer,
		Rand: opt.Rand, Augment: augment, OnEpoch: opt.OnEpoch,
	})
	if errors.Is(err, context.Canceled) {
		err = context.Cause(ctx)
	}
	return loss, err
}
