package eval_test

import (
	"fmt"

	"github.com/mlprep/mlprep/eval"
)

// An alert queue: ten events scored by a detector, three of them real
// attacks. The ranking metrics say how useful the order is before any
// threshold is chosen, and what an analyst gets from the top of the queue.
func ExampleRanking() {
	attack := []int{0, 0, 1, 0, 1, 0, 0, 1, 0, 0}
	score := []float64{0.10, 0.35, 0.80, 0.20, 0.65, 0.70, 0.05, 0.40, 0.30, 0.15}

	r, err := eval.NewRanking(attack, score)
	if err != nil {
		fmt.Println(err)
		return
	}
	auc, _ := r.AUC()
	ap, _ := r.AveragePrecision()
	p3, _ := r.PrecisionAtK(3)
	r3, _ := r.RecallAtK(3)
	op, _ := r.RecallAtFPR(0.2)
	fmt.Printf("ROC AUC %.3f, average precision %.3f\n", auc, ap)
	fmt.Printf("top 3 alerts: precision %.3f, recall %.3f\n", p3, r3)
	fmt.Printf("at FPR <= 20%%: flag score >= %.2f, recall %.3f (%d TP, %d FP)\n",
		op.Threshold, op.Recall, op.TruePositives, op.FalsePositives)
	// Output:
	// ROC AUC 0.905, average precision 0.806
	// top 3 alerts: precision 0.667, recall 0.667
	// at FPR <= 20%: flag score >= 0.40, recall 1.000 (3 TP, 1 FP)
}

func ExampleConfusionMatrix() {
	yTrue := []int{0, 1, 0, 1, 1, 0}
	yPred := []int{1, 1, 0, 1, 0, 0}
	cm, _ := eval.ConfusionMatrix(yTrue, yPred, nil)
	tn, fp, fn, tp := cm.Counts[0][0], cm.Counts[0][1], cm.Counts[1][0], cm.Counts[1][1]
	fmt.Println("TN FP FN TP:", tn, fp, fn, tp)
	// Output:
	// TN FP FN TP: 2 1 1 2
}

// Macro and micro averages answer different questions when classes are
// unbalanced: micro is dominated by the big class, macro weighs each class
// the same.
func ExamplePrecisionRecallF1() {
	yTrue := []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 2}
	yPred := []int{0, 0, 0, 0, 0, 0, 0, 1, 0, 2}
	for _, avg := range []eval.Average{eval.Micro, eval.Macro, eval.Weighted} {
		s, _ := eval.PrecisionRecallF1(yTrue, yPred, eval.PRFOptions{Average: avg})
		fmt.Printf("%-8v precision %.3f recall %.3f F1 %.3f\n", avg, s.Precision, s.Recall, s.F1)
	}
	// Output:
	// micro    precision 0.800 recall 0.800 F1 0.800
	// macro    precision 0.917 recall 0.667 F1 0.730
	// weighted precision 0.850 recall 0.800 F1 0.781
}

// A model that says 0.9 but is right only half the time is over-confident;
// the calibration curve and ECE show it, accuracy does not.
func ExampleCalibrationCurve() {
	yTrue := []int{1, 0, 1, 0, 1, 1, 0, 0}
	prob := []float64{0.9, 0.9, 0.9, 0.9, 0.1, 0.2, 0.1, 0.2}
	c, _ := eval.CalibrationCurve(yTrue, prob, eval.CalibrationOptions{Bins: 5})
	for i := range c.Count {
		fmt.Printf("predicted %.2f observed %.2f (n=%d)\n", c.ProbPred[i], c.ProbTrue[i], c.Count[i])
	}
	fmt.Printf("ECE %.3f\n", c.ECE())
	// Output:
	// predicted 0.15 observed 0.50 (n=4)
	// predicted 0.90 observed 0.50 (n=4)
	// ECE 0.375
}
