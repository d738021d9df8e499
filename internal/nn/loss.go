package nn

import (
	"fmt"
	"math"
)

// Softmax writes the row-wise softmax of src into dst (which may be src),
// subtracting each row's maximum first so large logits do not overflow.
func Softmax(dst, src *Mat) {
	SameShape("Softmax", dst, src)
	for i := 0; i < src.Rows; i++ {
		in, out := src.Row(i), dst.Row(i)
		m := rowMax(in)
		var sum float64
		for j, v := range in {
			e := math.Exp(float64(v - m))
			out[j] = float32(e)
			sum += e
		}
		inv := float32(1 / sum)
		for j := range out {
			out[j] *= inv
		}
	}
}

// LogSoftmax writes the row-wise log-softmax of src into dst (which may be src).
func LogSoftmax(dst, src *Mat) {
	SameShape("LogSoftmax", dst, src)
	for i := 0; i < src.Rows; i++ {
		in, out := src.Row(i), dst.Row(i)
		m := rowMax(in)
		var sum float64
		for _, v := range in {
			sum += math.Exp(float64(v - m))
		}
		lse := m + float32(math.Log(sum))
		for j, v := range in {
			out[j] = v - lse
		}
	}
}

func rowMax(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// CrossEntropy returns torch.nn.CrossEntropyLoss (mean over the batch) of
// logits against integer class labels, with optional label smoothing ε (the
// target is (1−ε)·one-hot + ε/K), and the gradient with respect to the logits.
// It panics if a label is outside [0, logits.Cols) or the batch sizes differ.
func CrossEntropy(logits *Mat, labels []int, smoothing float64) (loss float64, dlogits *Mat) {
	if len(labels) != logits.Rows {
		panic(fmt.Sprintf("nn: CrossEntropy: %d labels for logits %s", len(labels), logits.Shape()))
	}
	k := logits.Cols
	p := NewMat(logits.Rows, k)
	LogSoftmax(p, logits)
	n := float64(logits.Rows)
	for i, y := range labels {
		if y < 0 || y >= k {
			panic(fmt.Sprintf("nn: CrossEntropy: label %d of row %d outside [0, %d)", y, i, k))
		}
		row := p.Row(i)
		var sumLog float64
		for _, v := range row {
			sumLog += float64(v)
		}
		loss -= (1-smoothing)*float64(row[y]) + smoothing*sumLog/float64(k)
		for j, v := range row {
			target := smoothing / float64(k)
			if j == y {
				target += 1 - smoothing
			}
			row[j] = float32((math.Exp(float64(v)) - target) / n)
		}
	}
	return loss / n, p
}

// MSE returns the mean squared error over all elements (torch.nn.MSELoss) and
// its gradient with respect to pred.
func MSE(pred, target *Mat) (loss float64, dpred *Mat) {
	SameShape("MSE", pred, target)
	d := NewMat(pred.Rows, pred.Cols)
	n := float64(len(pred.Data))
	for i, v := range pred.Data {
		e := float64(v - target.Data[i])
		loss += e * e
		d.Data[i] = float32(2 * e / n)
	}
	return loss / n, d
}

// Argmax returns the index of the largest value in each row (the first on ties).
func Argmax(m *Mat) []int {
	out := make([]int, m.Rows)
	for i := range out {
		row := m.Row(i)
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		out[i] = best
	}
	return out
}

// Accuracy returns the fraction of rows whose argmax equals the label.
func Accuracy(logits *Mat, labels []int) float64 {
	if len(labels) == 0 {
		return math.NaN()
	}
	correct := 0
	for i, p := range Argmax(logits) {
		if p == labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(labels))
}
