// Command 05_evaluation_framework evaluates a digit classifier beyond
// accuracy: overall metrics with bootstrap confidence intervals, calibration,
// per-slice results (by digit and by how much ink a digit uses) with the
// slices that are significantly worse than the rest flagged after Holm's
// correction, and an error-review policy judged as a detector and for
// fairness across slices.
//
//	go run ./examples/05_evaluation_framework            # MNIST from ../shared/data, else the embedded digits
//	go run ./examples/05_evaluation_framework -quick     # a few seconds
//
// It writes reliability.png, review_roc.png, review_pr.png,
// slices_digit.png and slices_ink.png into -out.
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/mlprep/mlprep/eval"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
	"gonum.org/v1/plot"
)

const seed = 5

func main() {
	opts := lesson.Parse()
	if err := run(context.Background(), opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options) error {
	train, test, dataName := datasets.MNISTOrDigits(seed, opts.Quick)
	fmt.Printf("data: %s\n", dataName)
	epochs, resamples := 12, 999
	if opts.Quick {
		epochs, resamples = 4, 199
	}
	proba, err := trainAndPredict(ctx, train, test, epochs)
	if err != nil {
		return err
	}
	s := eval.Sample{YTrue: test.Y, YPred: argmax(proba), Proba: proba}

	// 1. Overall, with intervals: how sure are we of each number?
	overall, err := eval.Slice(ctx, s, nil, overallMetrics(), eval.SliceOptions{Resamples: resamples, Seed: seed})
	if err != nil {
		return err
	}
	fmt.Printf("\nOverall on %d test images (95%% BCa bootstrap intervals, %d resamples):\n\n", s.Len(), resamples)
	if err := metricsTable(overall).WriteMarkdown(os.Stdout); err != nil {
		return err
	}

	// 2. Calibration: does "90% sure" mean right 90% of the time?
	correct, confidence := topLabel(s)
	cal, err := eval.CalibrationCurve(correct, confidence, eval.CalibrationOptions{Bins: 10})
	if err != nil {
		return err
	}
	relPlot, err := reliability(cal)
	if err := savePlot(opts, "reliability.png", relPlot, err); err != nil {
		return err
	}

	// 3. Slices: by true digit, and by ink (the fraction of lit pixels,
	// in terciles) — faint and heavy strokes are a classic blind spot.
	sliceMetrics := []eval.Metric{eval.AccuracyMetric, eval.LogLossMetric}
	so := eval.SliceOptions{Resamples: resamples, Seed: seed}
	digit := eval.Feature{Name: "digit", Values: make([]string, s.Len())}
	for i, y := range s.YTrue {
		digit.Values[i] = fmt.Sprint(y)
	}
	ink := inkTerciles(test)
	var worst string
	worstAcc := math.Inf(1)
	for _, feat := range []eval.Feature{digit, ink} {
		f, err := eval.Slice(ctx, s, []eval.Feature{feat}, sliceMetrics, so)
		if err != nil {
			return err
		}
		fmt.Printf("\nBy %s (▼: worse than the rest, Holm-adjusted permutation p ≤ %.2f):\n\n", feat.Name, f.Options.Alpha)
		if err := f.Table(3).WriteMarkdown(os.Stdout); err != nil {
			return err
		}
		fmt.Printf("accuracy: worst %.3f, best %.3f, difference %.3f, ratio %.3f\n",
			f.GroupMin("accuracy"), f.GroupMax("accuracy"), f.Difference("accuracy"), f.Ratio("accuracy"))
		for _, g := range f.Groups {
			e := g.Metrics[0]
			if e.Flagged {
				fmt.Printf("flagged: %s accuracy %.3f (p = %.4f, adjusted %.4f)\n", f.Name(g), e.Value, e.PValue, e.AdjustedP)
			}
			if e.Value < worstAcc {
				worstAcc, worst = e.Value, f.Name(g)
				if e.Flagged {
					worst += " (flagged)"
				}
			}
		}
		barPlot, err := sliceBars(f)
		if err := savePlot(opts, "slices_"+feat.Name+".png", barPlot, err); err != nil {
			return err
		}
	}

	// 4. A review policy: send the least confident predictions to a person.
	// As a detector of errors it is judged by ranking metrics; as a policy
	// applied to everyone, by whether it treats the ink slices alike.
	if err := reviewPolicy(opts, s, correct, confidence, ink); err != nil {
		return err
	}

	acc := overall.Overall[0]
	lesson.Headline("accuracy %.3f [%.3f, %.3f], ECE %.3f, worst slice %s at %.3f",
		acc.Value, acc.CI.Low, acc.CI.High, cal.ECE(), worst, worstAcc)
	return nil
}

// trainAndPredict fits a one-hidden-layer MLP and returns the test set's
// class probabilities.
func trainAndPredict(ctx context.Context, train, test *datasets.Images, epochs int) ([][]float64, error) {
	rng := nn.NewRand(seed)
	model := nn.NewMLP([]int{train.Dim(), 128, train.Classes}, func() nn.Layer { return &nn.ReLU{} }, rng)
	x := nn.MatFrom(train.N, train.Dim(), train.X)
	bar := progress.New("training", int64(epochs), "epochs")
	_, err := nn.TrainClassifier(ctx, model, x, train.Y, nn.TrainOptions{
		Epochs: epochs, BatchSize: 64, Optimizer: nn.NewAdam(1e-3), Rand: rng,
		OnEpoch: func(_ int, loss float64) { bar.Note(1, fmt.Sprintf("loss %.4f", loss)) },
	})
	bar.Done()
	if err != nil {
		return nil, err
	}
	logits := model.Forward(nn.MatFrom(test.N, test.Dim(), test.X), false)
	nn.Softmax(logits, logits)
	proba := make([][]float64, test.N)
	for i := range proba {
		proba[i] = make([]float64, logits.Cols)
		var sum float64
		for j, v := range logits.Row(i) {
			proba[i][j] = float64(v)
			sum += float64(v)
		}
		for j := range proba[i] { // renormalise after the float32 round trip
			proba[i][j] /= sum
		}
	}
	return proba, nil
}

func argmax(proba [][]float64) []int {
	out := make([]int, len(proba))
	for i, row := range proba {
		out[i] = slices.Index(row, slices.Max(row))
	}
	return out
}

// topLabel returns, per example, whether the argmax prediction is right and
// its probability: the inputs of top-label calibration.
func topLabel(s eval.Sample) (correct []int, confidence []float64) {
	correct = make([]int, s.Len())
	confidence = make([]float64, s.Len())
	for i, row := range s.Proba {
		confidence[i] = slices.Max(row)
		if s.YPred[i] == s.YTrue[i] {
			correct[i] = 1
		}
	}
	return correct, confidence
}

// overallMetrics adds to the ready-made metrics three built from eval's
// functions: any func(Sample) (float64, error) is a metric.
func overallMetrics() []eval.Metric {
	return []eval.Metric{
		eval.AccuracyMetric,
		eval.BalancedAccuracyMetric,
		eval.MacroF1Metric,
		{Name: "MCC", Func: func(s eval.Sample) (float64, error) { return eval.MCC(s.YTrue, s.YPred) }},
		{Name: "ROC AUC (one-vs-rest, macro)", Func: func(s eval.Sample) (float64, error) {
			return eval.ROCAUCOvR(s.YTrue, s.Proba, digitsLabels, eval.Macro)
		}},
		eval.LogLossMetric,
		{Name: "ECE (top label, 10 bins)", LowerIsBetter: true, Func: func(s eval.Sample) (float64, error) {
			c, conf := topLabel(s)
			cal, err := eval.CalibrationCurve(c, conf, eval.CalibrationOptions{Bins: 10})
			return cal.ECE(), err
		}},
	}
}

var digitsLabels = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

func metricsTable(f *eval.Frame) eval.Table {
	t := eval.Table{Header: []string{"metric", "value", "95% CI"}}
	for i, m := range f.Metrics {
		e := f.Overall[i]
		ci := "n/a"
		if e.CI.Level != 0 {
			ci = fmt.Sprintf("[%.4f, %.4f]", e.CI.Low, e.CI.High)
		}
		t.Rows = append(t.Rows, []string{m.Name, fmt.Sprintf("%.4f", e.Value), ci})
	}
	return t
}

// inkTerciles buckets images by their total pixel intensity.
func inkTerciles(test *datasets.Images) eval.Feature {
	mass := make([]float64, test.N)
	for i := range mass {
		for _, v := range test.Image(i) {
			mass[i] += float64(v)
		}
	}
	sorted := slices.Sorted(slices.Values(mass))
	lo, hi := sorted[len(sorted)/3], sorted[2*len(sorted)/3]
	f := eval.Feature{Name: "ink", Values: make([]string, test.N)}
	for i, m := range mass {
		switch {
		case m < lo:
			f.Values[i] = "light"
		case m < hi:
			f.Values[i] = "medium"
		default:
			f.Values[i] = "heavy"
		}
	}
	return f
}

// reviewPolicy evaluates "review the 5% least confident predictions".
func reviewPolicy(opts *lesson.Options, s eval.Sample, correct []int, confidence []float64, ink eval.Feature) error {
	isError := make([]int, s.Len())
	doubt := make([]float64, s.Len())
	for i := range isError {
		isError[i] = 1 - correct[i]
		doubt[i] = 1 - confidence[i]
	}
	r, err := eval.NewRanking(isError, doubt)
	if err != nil {
		return err
	}
	budget := max(1, s.Len()/20)
	auc, _ := r.AUC()
	ap, _ := r.AveragePrecision()
	p, _ := r.PrecisionAtK(budget)
	rec, _ := r.RecallAtK(budget)
	op, _ := r.RecallAtFPR(0.05)
	fmt.Printf("\nReview policy: a person checks the %d least confident predictions (%d errors in all):\n", budget, r.Positives())
	fmt.Printf("error detection ROC AUC %.3f, average precision %.3f\n", auc, ap)
	fmt.Printf("precision@%d %.3f, recall@%d %.3f; recall at 5%% false alarms %.3f (confidence < %.3f)\n",
		budget, p, budget, rec, op.Recall, 1-op.Threshold)

	flagged := make([]int, s.Len())
	order := make([]int, s.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case doubt[a] > doubt[b]:
			return -1
		case doubt[a] < doubt[b]:
			return 1
		}
		return 0
	})
	for _, i := range order[:budget] {
		flagged[i] = 1
	}
	dpd, err := eval.DemographicParityDifference(flagged, ink.Values)
	if err != nil {
		return err
	}
	fmt.Printf("review rate gap between ink slices (demographic parity difference) %.3f\n", dpd)
	if eod, err := eval.EqualizedOddsDifference(isError, flagged, ink.Values); err == nil {
		fmt.Printf("gap in errors caught / correct ones reviewed (equalized odds difference) %.3f\n", eod)
	} else {
		fmt.Printf("equalized odds difference undefined: %v\n", err)
	}

	roc, err := r.ROC()
	if err != nil {
		return err
	}
	pr, err := r.PrecisionRecall()
	if err != nil {
		return err
	}
	rocPlot, err := plots.Lines("Review policy as an error detector", "false-positive rate (correct predictions reviewed)", "recall (errors caught)",
		plots.Series{Name: fmt.Sprintf("1 − confidence (AUC %.3f)", auc), X: roc.FPR, Y: roc.TPR},
		plots.Series{Name: "chance", X: []float64{0, 1}, Y: []float64{0, 1}})
	if err := savePlot(opts, "review_roc.png", rocPlot, err); err != nil {
		return err
	}
	prPlot, err := plots.Lines("Review policy: precision–recall", "recall (errors caught)", "precision",
		plots.Series{Name: fmt.Sprintf("1 − confidence (AP %.3f)", ap), X: pr.Recall, Y: pr.Precision})
	return savePlot(opts, "review_pr.png", prPlot, err)
}

func reliability(cal eval.Calibration) (*plot.Plot, error) {
	return plots.Lines(fmt.Sprintf("Reliability diagram (ECE %.3f)", cal.ECE()), "confidence (mean predicted probability)", "accuracy (observed frequency)",
		plots.Series{Name: "model", X: cal.ProbPred, Y: cal.ProbTrue},
		plots.Series{Name: "perfect calibration", X: []float64{0, 1}, Y: []float64{0, 1}})
}

func sliceBars(f *eval.Frame) (*plot.Plot, error) {
	bars := make([]plots.Bar, len(f.Groups))
	for i, g := range f.Groups {
		e := g.Metrics[0]
		bars[i] = plots.Bar{Label: g.Values[0], Value: e.Value, Low: e.CI.Low, High: e.CI.High, Highlight: e.Flagged}
	}
	return plots.Bars(fmt.Sprintf("Accuracy by %s (95%% CI)", f.Features[0]), "accuracy", "worse than the rest (Holm)", bars)
}

// savePlot writes p as name in the output directory, passing on err from
// building it.
func savePlot(opts *lesson.Options, name string, p *plot.Plot, err error) error {
	if err != nil {
		return err
	}
	return opts.SavePlot(p, name)
}
