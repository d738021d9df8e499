package quant

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/mlprep/mlprep/internal/nn"
)

// surrogate is the function whose exact gradient the straight-through
// estimator computes: QAT's forward with every activation fake quantiser
// replaced by clipping to its representable range [s·(qmin − z),
// s·(qmax − z)], the parameters frozen at those of q's last forward, and the
// weights w given. It starts at layer from with input x; from 0, x is the
// model input and is clipped too.
func surrogate(q *QAT, from int, x *nn.Mat, w []*nn.Mat) *nn.Mat {
	clip := func(m *nn.Mat, o *MovingAverageMinMax) *nn.Mat {
		p, _ := o.QParams()
		qmin, qmax, _ := o.Scheme.Range()
		lo := float32(qmin-p.ZeroPoint[0]) * p.Scale[0]
		hi := float32(qmax-p.ZeroPoint[0]) * p.Scale[0]
		y := m.Clone()
		for i, v := range y.Data {
			y.Data[i] = min(max(v, lo), hi)
		}
		return y
	}
	if from == 0 {
		x = clip(x, q.input)
	}
	for i := from; i < len(q.layers); i++ {
		l := q.layers[i]
		y := nn.MatMul(false, true, x, w[i])
		for r := range y.Rows {
			for j, b := range l.dense.B.Value.Data {
				y.Row(r)[j] += b
			}
		}
		if l.relu {
			for k, v := range y.Data {
				y.Data[k] = max(v, 0)
			}
		}
		x = y
		if l.out != nil {
			x = clip(x, l.out)
		}
	}
	return x
}

func TestQATStraightThroughGradient(t *testing.T) {
	rng := nn.NewRand(7)
	float := nn.NewMLP([]int{6, 5, 4}, func() nn.Layer { return &nn.ReLU{} }, rng)
	q, err := NewQAT(float, QATOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewMat(8, 6)
	nn.Uniform(x, -2, 2, rng)
	// Observe a narrower batch first, so that some inputs are clipped and the
	// mask is tested, not only the identity.
	q.Forward(nn.MatFrom(4, 6, scaled(x.Data[:24], 0.5)), true)
	y := q.Forward(x, false)
	loss, dy := nn.ProbeLoss(y.Rows, y.Cols, rng)
	nn.ZeroGrad(q.Params())
	dx := q.Backward(dy)
	clipped := 0
	for _, ok := range q.inMask {
		if !ok {
			clipped++
		}
	}
	if clipped == 0 {
		t.Fatal("no input was clipped: the test would not exercise the mask")
	}
	wq := []*nn.Mat{q.layers[0].wq.Clone(), q.layers[1].wq.Clone()}
	check := nn.GradCheck{Step: 1e-3}
	res := check.CheckGradient(func() float64 { return loss(surrogate(q, 0, x, wq)) }, x.Data, dx.Data)
	if res.MaxRelErr > 1e-2 {
		t.Errorf("dx: %+v", res)
	}
	for i, l := range q.layers {
		// With respect to layer i's weights W the surrogate starts from the
		// layer's fake-quantised input and uses wq + mask·(W' − W): the
		// rounded weights, moving with W' where W was in range and constant
		// where it rounded past qmax.
		w := l.dense.W.Value
		moved := w.Clone()
		weightLoss := func() float64 {
			eff := []*nn.Mat{wq[0].Clone(), wq[1].Clone()}
			for k, ok := range l.wMask {
				if ok {
					eff[i].Data[k] += moved.Data[k] - w.Data[k]
				}
			}
			return loss(surrogate(q, i, l.x, eff))
		}
		if res := check.CheckGradient(weightLoss, moved.Data, l.dense.W.Grad.Data); res.MaxRelErr > 1e-2 {
			t.Errorf("layer %d dW: %+v", i, res)
		}
	}
	res = check.CheckGradient(func() float64 { return loss(surrogate(q, 0, x, wq)) }, q.layers[1].dense.B.Value.Data, q.layers[1].dense.B.Grad.Data)
	if res.MaxRelErr > 1e-2 {
		t.Errorf("db: %+v", res)
	}
}

func scaled(v []float32, s float32) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * s
	}
	return out
}

func TestQATTrainsAndConverts(t *testing.T) {
	model, xTrain, yTrain, xTest, yTest := digitsModel(t)
	floatAcc := accuracy(nn.Predict(model, xTest, 128), yTest)
	q, err := NewQAT(model, QATOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Convert(); !errors.Is(err, ErrNoData) {
		t.Errorf("Convert before training: %v", err)
	}
	before := append([]float32(nil), model.Layers[0].(*nn.Dense).W.Value.Data...)
	if _, err := nn.TrainClassifier(context.Background(), q, xTrain, yTrain, nn.TrainOptions{
		Epochs: 2, BatchSize: 32, Optimizer: nn.NewAdam(1e-4), Rand: nn.NewRand(3)}); err != nil {
		t.Fatal(err)
	}
	for i, v := range model.Layers[0].(*nn.Dense).W.Value.Data {
		if v != before[i] {
			t.Fatal("QAT training changed the float model")
		}
	}
	qatAcc := accuracy(nn.Predict(q, xTest, 128), yTest)
	m, err := q.Convert()
	if err != nil {
		t.Fatal(err)
	}
	pred, err := m.Predict(xTest, 128)
	if err != nil {
		t.Fatal(err)
	}
	intAcc := accuracy(pred, yTest)
	// The converted model computes what the fake-quantised one simulated.
	if math.Abs(intAcc-qatAcc) > 0.006 || intAcc < floatAcc-0.02 {
		t.Errorf("float %.4f, QAT (fake-quantised) %.4f, converted int8 %.4f", floatAcc, qatAcc, intAcc)
	}
	t.Logf("float %.4f, QAT (fake-quantised) %.4f, converted int8 %.4f", floatAcc, qatAcc, intAcc)
}

func TestQATRemembersNonFinite(t *testing.T) {
	rng := nn.NewRand(8)
	q, err := NewQAT(nn.NewMLP([]int{3, 2}, nil, rng), QATOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := nn.MatFrom(1, 3, []float32{1, float32(math.NaN()), 2})
	y := q.Forward(x, true)
	if !math.IsNaN(float64(y.Data[0])) {
		t.Errorf("output %v, want NaN", y.Data)
	}
	if _, err := q.Convert(); !errors.Is(err, ErrNonFinite) {
		t.Errorf("Convert after NaN: %v", err)
	}
}
