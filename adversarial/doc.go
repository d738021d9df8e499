// Package adversarial attacks image classifiers with small input
// perturbations and defends them by adversarial training: FGSM (untargeted
// and targeted), the basic iterative method, projected gradient descent
// under the L∞ and L2 norms, DeepFool, robustness evaluation over a range of
// budgets, and PGD adversarial training.
//
// # The threat model
//
// An adversarial example is an input x' = x + δ that a person would label
// like x but the model does not. "Would label like x" is approximated by a
// norm ball: ‖δ‖∞ ≤ ε (no pixel moves by more than ε; ε = 0.3 on MNIST is
// the standard benchmark, 8/255 on CIFAR-10) or ‖δ‖₂ ≤ ε. x' must also stay
// a valid input, so every attack clips to a Range ([0, 1] by default). The
// attacker here is white-box: it knows the weights and can take gradients.
//
// # Attacks
//
// Let L(x, y) be the cross-entropy of the model's logits at x against y.
//
//	FGSM (Goodfellow et al., 2015)   x' = clip(x + ε·sign(∇ₓL(x, y)))
//	targeted FGSM                    x' = clip(x − ε·sign(∇ₓL(x, t)))
//	BIM / I-FGSM (Kurakin et al., 2017): FGSM steps of size α, each
//	    followed by projection onto the ε-ball and the Range
//	PGD (Madry et al., 2018): BIM from a uniformly random start in the ball;
//	    the L2 variant steps along ∇ₓL/‖∇ₓL‖₂ and projects by rescaling
//	DeepFool (Moosavi-Dezfooli et al., 2016): repeatedly steps to the
//	    nearest linearised decision boundary; a minimal-L2 attack with no ε
//
// FGSM is why adversarial examples exist in the first place on this
// account: a linear score w·x changes by ε‖w‖₁ under an L∞ step, which
// grows with the dimension, so high-dimensional models that are "too linear"
// are fragile. PGD is the strongest first-order attack in practice and the
// one robustness claims should be measured with.
//
// # Pitfalls an interviewer asks about
//
//   - sign(0) = 0: a coordinate with zero gradient does not move (as
//     torch.sign). Pixels the loss does not depend on stay put.
//   - Clip after the step and after the projection: ‖x' − x‖∞ ≤ ε and
//     x' ∈ Range both hold, and clipping only shrinks the perturbation.
//   - The loss reduction: the attacks sum the per-row losses, so a row's
//     gradient does not depend on its batch. PyTorch's default mean scales
//     the gradient by 1/n, which the sign (L∞) and the per-row normalisation
//     (L2) both remove; only an unnormalised step would notice.
//   - Gradient masking: a defence that makes gradients useless (saturating
//     softmax, non-differentiable preprocessing) looks robust to FGSM but not
//     to a stronger attack. Check that PGD beats FGSM, that more steps and
//     restarts do not help much, and that accuracy goes to zero as ε grows.
//   - Robust accuracy counts a row as robust only if the model is right
//     both on x and on x'; report clean accuracy beside it, and the whole
//     curve over ε (Sweep), not one point.
//   - Adversarial training (Madry et al.) solves min_θ E max_{‖δ‖≤ε} L; the
//     inner maximum must be strong (PGD with a random start). FGSM training
//     without a random start suffers catastrophic overfitting; FGSM with a
//     random start and step 1.25ε ("fast" training, Wong et al., 2020) is a
//     cheap alternative. Robustness costs some clean accuracy on harder data.
//
// # Models
//
// Attacks see a classifier through Model: logits for a batch, and the
// gradient of a loss (given as its gradient with respect to the logits) with
// respect to the input. Implement Model to attack your own network;
// FromLayer adapts mlprep's internal/nn networks. A batch is a Matrix, one
// example per row.
//
// # Results and randomness
//
// Each attack returns the adversarial inputs, the model's prediction on each
// and whether the attack succeeded on that row. Random starts come from the
// attack's Rand (seeded) or a given Start, so runs are reproducible.
//
// # Concurrency
//
// Attacks split a batch into fixed chunks of rows and attack the chunks on
// up to Workers goroutines (GOMAXPROCS by default). Chunk boundaries and
// random draws do not depend on the number of workers, so results are
// bit-identical for any Workers. Models must therefore be safe for
// concurrent use; FromLayer's are. An attack value is read-only during a
// call, except that PGD draws from its Rand, so a PGD with a Rand must not
// run in two goroutines at once. Long calls take a context.Context and stop
// between chunks when it is cancelled.
//
// # Errors and panics
//
// Bad data returns an error that wraps one of the sentinel errors: a
// negative, NaN or infinite ε or step (ErrEpsilon), NaN, infinite or
// out-of-range inputs (ErrInput), labels outside the model's classes
// (ErrLabel), a label count or Start that does not match the batch
// (ErrBatch), and other invalid settings (ErrConfig). A Model that returns
// logits or gradients of the wrong shape is a bug in the Model: the attack
// panics with a message that starts with "adversarial:" and names both
// shapes.
//
// # References
//
//   - I. Goodfellow, J. Shlens, C. Szegedy. Explaining and Harnessing
//     Adversarial Examples. ICLR 2015.
//   - A. Kurakin, I. Goodfellow, S. Bengio. Adversarial Examples in the
//     Physical World. ICLR workshop 2017.
//   - A. Madry, A. Makelov, L. Schmidt, D. Tsipras, A. Vladu. Towards Deep
//     Learning Models Resistant to Adversarial Attacks. ICLR 2018.
//   - S.-M. Moosavi-Dezfooli, A. Fawzi, P. Frossard. DeepFool: a Simple and
//     Accurate Method to Fool Deep Neural Networks. CVPR 2016.
//   - E. Wong, L. Rice, J. Z. Kolter. Fast is Better than Free: Revisiting
//     Adversarial Training. ICLR 2020.
package adversarial
