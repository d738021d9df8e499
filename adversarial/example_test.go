package adversarial_test

import (
	"context"
	"fmt"

	"github.com/mlprep/mlprep/adversarial"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
)

// logistic is your own model: two classes with logits (w·x, 0). It holds no
// state between calls, so it is safe for concurrent use.
type logistic struct{ w []float32 }

func (m logistic) Logits(x *adversarial.Matrix) *adversarial.Matrix {
	out := &adversarial.Matrix{Rows: x.Rows, Cols: 2, Data: make([]float32, 2*x.Rows)}
	for i := 0; i < x.Rows; i++ {
		for j, w := range m.w {
			out.Data[2*i] += w * x.Data[i*x.Cols+j]
		}
	}
	return out
}

// InputGradient applies the chain rule by hand: only logit 0 depends on x,
// with gradient w.
func (m logistic) InputGradient(x *adversarial.Matrix, lossGrad func(*adversarial.Matrix) *adversarial.Matrix) (*adversarial.Matrix, *adversarial.Matrix) {
	logits := m.Logits(x)
	d := lossGrad(logits)
	g := &adversarial.Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float32, len(x.Data))}
	for i := 0; i < x.Rows; i++ {
		for j, w := range m.w {
			g.Data[i*x.Cols+j] = d.Data[2*i] * w
		}
	}
	return logits, g
}

// Attack a model of your own: implement Model, then run any attack on it.
func Example() {
	model := logistic{w: []float32{2, -1, 0}}
	x := &adversarial.Matrix{Rows: 1, Cols: 3, Data: []float32{0.6, 0.5, 0.5}} // w·x = 0.7: class 0
	res, err := adversarial.FGSM{Epsilon: 0.3}.Perturb(context.Background(), model, x, []int{0})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The third weight is 0, so sign(0) = 0 leaves that pixel alone.
	fmt.Printf("x' = %.1f, class %d, success %v\n", res.X.Data, res.Pred[0], res.Success[0])
	// Output:
	// x' = [0.3 0.8 0.5], class 1, success true
}

// PGD under the L2 norm keeps the whole perturbation inside the ball; under
// L∞ each coordinate moves by at most ε. Both clip to [0, 1].
func ExamplePGD() {
	model := logistic{w: []float32{2, -1, 0}}
	x := &adversarial.Matrix{Rows: 1, Cols: 3, Data: []float32{0.6, 0.5, 0.5}}
	for _, a := range []adversarial.PGD{
		{Norm: adversarial.LInf, Epsilon: 0.2, Step: 0.05, Steps: 10},
		{Norm: adversarial.L2, Epsilon: 0.2, Step: 0.05, Steps: 10},
	} {
		res, err := a.Perturb(context.Background(), model, x, []int{0})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%v ε=%.1f: x' = %.3f, class %d\n", a.Norm, a.Epsilon, res.X.Data, res.Pred[0])
	}
	// Output:
	// L∞ ε=0.2: x' = [0.400 0.700 0.500], class 0
	// L2 ε=0.2: x' = [0.421 0.589 0.500], class 0
}

// DeepFool finds the smallest L2 step across the decision boundary; for a
// linear model that is the distance to the hyperplane w·x = 0, |w·x|/‖w‖.
func ExampleDeepFool() {
	model := logistic{w: []float32{2, -1, 0}}
	x := &adversarial.Matrix{Rows: 1, Cols: 3, Data: []float32{0.6, 0.5, 0.5}}
	res, err := adversarial.DeepFool{}.Perturb(context.Background(), model, x, []int{0})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x' = %.3f, class %d\n", res.X.Data, res.Pred[0])
	fmt.Printf("distance to the boundary 0.7/√5 = %.3f, times 1.02 overshoot = %.3f\n", 0.7/2.2360680, 1.02*0.7/2.2360680)
	// Output:
	// x' = [0.314 0.643 0.500], class 1
	// distance to the boundary 0.7/√5 = 0.313, times 1.02 overshoot = 0.319
}

// "Fast" adversarial training (Wong et al.: one FGSM step of 1.25ε from a
// random start) on the scikit-learn digits, evaluated with PGD on held-out
// images.
func ExampleTrain() {
	train, test := datasets.Digits().Split(1437, 1)
	x, xt := nn.MatFrom(train.N, 64, train.X), nn.MatFrom(test.N, 64, test.X)
	const eps = 0.1
	fast := adversarial.PGD{Epsilon: eps, Step: 1.25 * eps, Steps: 1, RandomStart: true, Rand: nn.NewRand(3)}
	pgd := adversarial.PGD{Epsilon: eps, Step: eps / 4, Steps: 10, RandomStart: true}
	ctx := context.Background()
	var robust [2]float64
	for i, adversarially := range []bool{false, true} {
		net := nn.NewMLP([]int{64, 64, 10}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(1))
		opts := nn.TrainOptions{Epochs: 15, BatchSize: 32, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(2)}
		var err error
		if adversarially {
			_, err = adversarial.Train(ctx, net, x, train.Y, adversarial.TrainOptions{
				Attack: fast, Epochs: opts.Epochs, BatchSize: opts.BatchSize, Optimizer: opts.Optimizer, Rand: opts.Rand,
			})
		} else {
			_, err = nn.TrainClassifier(ctx, net, x, train.Y, opts)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		e, err := adversarial.Evaluate(ctx, adversarial.FromLayer(net), pgd, xt, test.Y)
		if err != nil {
			fmt.Println(err)
			return
		}
		robust[i] = e.RobustAccuracy
	}
	fmt.Println("fast adversarial training raises PGD-10 accuracy at ε = 0.1 by 10 points or more:", robust[1] > robust[0]+0.1)
	// Output:
	// fast adversarial training raises PGD-10 accuracy at ε = 0.1 by 10 points or more: true
}
