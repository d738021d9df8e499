package adversarial

import "github.com/mlprep/mlprep/internal/nn"

// crossEntropyGrad returns the lossGrad for Model.InputGradient of the
// cross-entropy of each row against its label, summed over the rows:
// dL/dlogits = softmax(logits) − onehot(label). The sum, not PyTorch's
// default mean, keeps each row's gradient independent of the batch it was
// computed in; the mean would only scale it by 1/n, which neither the sign
// (L∞ attacks) nor a per-row normalisation (L2 attacks) can see.
func crossEntropyGrad(labels []int) func(*Matrix) *Matrix {
	return func(logits *Matrix) *Matrix {
		checkOutput("logits", logits, len(labels), -1)
		d := nn.NewMat(logits.Rows, logits.Cols)
		nn.Softmax(d, logits)
		for i, y := range labels {
			d.Data[i*d.Cols+y]--
		}
		return d
	}
}

// sign is torch.sign: −1, 0 or +1, with sign(0) = 0, so a coordinate the loss
// does not depend on is left where it is.
func sign(v float32) float32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// predictInto writes the model's class for each row of x into pred and, for
// each row, whether the attack reached its goal: a prediction other than the
// label, or equal to it when targeted.
func predictInto(m Model, x *Matrix, labels []int, targeted bool, pred []int, success []bool) {
	logits := m.Logits(x)
	checkOutput("logits", logits, x.Rows, -1)
	for i, p := range nn.Argmax(logits) {
		pred[i] = p
		success[i] = (p == labels[i]) == targeted
	}
}
