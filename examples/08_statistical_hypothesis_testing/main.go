// Command 08_statistical_hypothesis_testing asks whether one classifier is
// really better than another, the way a careful reviewer would: the two
// models are scored on the same test examples, so every test is paired —
// a paired bootstrap interval for the accuracy difference, McNemar's exact
// test, a paired permutation test — and Dietterich's 5×2cv t-test (with
// Alpaydın's F-test) asks the same of the training procedures. It does
// this twice: a one-hidden-layer MLP against logistic regression, and the
// same MLP against itself with another seed, where a sound procedure must
// find nothing. It ends in a plain-language verdict.
//
//	go run ./examples/08_statistical_hypothesis_testing            # MNIST from ../shared/data, else the embedded digits
//	go run ./examples/08_statistical_hypothesis_testing -quick
//
// It writes bootstrap_difference.png, permutation_null.png and
// cv52_differences.png into -out.
package main

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/mlprep/mlprep/eval"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
	"github.com/mlprep/mlprep/stats"
	"gonum.org/v1/plot"
)

const seed = 8

// learner trains a model on images and predicts labels for others.
type learner struct {
	name   string
	hidden int // 0: logistic regression
	seed   uint64
}

func (l learner) fitPredict(ctx context.Context, train, test *datasets.Images, epochs int) ([]int, error) {
	rng := nn.NewRand(l.seed)
	sizes := []int{train.Dim(), train.Classes}
	if l.hidden > 0 {
		sizes = []int{train.Dim(), l.hidden, train.Classes}
	}
	model := nn.NewMLP(sizes, func() nn.Layer { return &nn.ReLU{} }, rng)
	_, err := nn.TrainClassifier(ctx, model, nn.MatFrom(train.N, train.Dim(), train.X), train.Y,
		nn.TrainOptions{Epochs: epochs, BatchSize: 64, Optimizer: nn.NewAdam(1e-3), Rand: rng})
	if err != nil {
		return nil, err
	}
	return nn.Predict(model, nn.MatFrom(test.N, test.Dim(), test.X), 256), nil
}

func main() {
	opts := lesson.Parse()
	if err := run(context.Background(), opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options) error {
	train, test, dataName := datasets.MNISTOrDigits(seed, opts.Quick)
	fmt.Printf("data: %s\n", dataName)
	epochs := 8
	if opts.Quick {
		epochs = 2
	}
	logistic := learner{name: "logistic regression", seed: 1}
	mlp := learner{name: "MLP (128 hidden)", hidden: 128, seed: 1}
	mlpAgain := learner{name: "MLP, another seed", hidden: 128, seed: 2}

	bar := progress.New("training", 3+10*2, "models")
	predictions := map[string][]int{}
	for _, l := range []learner{logistic, mlp, mlpAgain} {
		p, err := l.fitPredict(ctx, train, test, epochs)
		if err != nil {
			return err
		}
		predictions[l.name] = p
		bar.Add(1)
	}
	cv, err := fiveByTwo(ctx, train, logistic, mlp, epochs, bar)
	bar.Done()
	if err != nil {
		return err
	}

	first, err := compare(ctx, opts, test.Y, predictions[mlp.name], predictions[logistic.name], mlp.name, logistic.name, &cv, true)
	if err != nil {
		return err
	}
	if _, err := compare(ctx, opts, test.Y, predictions[mlp.name], predictions[mlpAgain.name], mlp.name, mlpAgain.name, nil, false); err != nil {
		return err
	}
	lesson.Headline("MLP − logistic regression: %+.1f accuracy points [%+.1f, %+.1f], McNemar p = %.2g, 5×2cv p = %.2g: %s",
		100*first.diff, 100*first.ci.Low, 100*first.ci.High, first.mcnemar, cv.t.PValue, first.short)
	return nil
}

// cv52 holds the 5×2cv differences in error rate and both tests.
type cv52 struct {
	diffs [5][2]float64
	t, f  stats.Result
}

// fiveByTwo runs Dietterich's protocol on the training pool: five random
// halvings; on each, train both learners on one half and test on the other,
// both ways. diffs are error(a) − error(b): positive when the challenger b
// makes fewer errors than the baseline a.
func fiveByTwo(ctx context.Context, pool *datasets.Images, a, b learner, epochs int, bar *progress.Reporter) (cv52, error) {
	var res cv52
	folds, err := stats.CV52Folds(pool.N, seed)
	if err != nil {
		return res, err
	}
	for i, rep := range folds {
		for j := range 2 {
			tr, te := pool.Subset(rep[j]), pool.Subset(rep[1-j])
			var errs [2]float64
			for k, l := range []learner{a, b} {
				pred, err := l.fitPredict(ctx, tr, te, epochs)
				if err != nil {
					return res, err
				}
				acc, err := eval.Accuracy(te.Y, pred)
				if err != nil {
					return res, err
				}
				errs[k] = 1 - acc
				bar.Add(1)
			}
			res.diffs[i][j] = errs[0] - errs[1]
		}
	}
	if res.t, err = stats.CV52TTest(res.diffs, stats.TwoSided); err != nil {
		return res, err
	}
	res.f, err = stats.CV52FTest(res.diffs)
	return res, err
}

// outcome is what the headline needs from a comparison.
type outcome struct {
	diff    float64
	ci      stats.Interval
	mcnemar float64
	verdict string
	short   string // the verdict in a few words
}

// compare runs the paired tests of model a against model b on the same
// test set and prints a table and a verdict; plots only for the first pair.
func compare(ctx context.Context, opts *lesson.Options, yTrue, a, b []int, nameA, nameB string, cv *cv52, plot bool) (outcome, error) {
	n := len(yTrue)
	ca, cb := make([]float64, n), make([]float64, n)
	var table [2][2]int // rows: a right/wrong; columns: b right/wrong
	for i, y := range yTrue {
		ra, rb := a[i] == y, b[i] == y
		if ra {
			ca[i] = 1
		}
		if rb {
			cb[i] = 1
		}
		table[btoi(!ra)][btoi(!rb)]++
	}
	accDiff := func(s ...[]float64) float64 {
		var d float64
		for i := range s[0] {
			d += s[0][i] - s[1][i]
		}
		return d / float64(len(s[0]))
	}
	boot, err := stats.Bootstrap(ctx, [][]float64{ca, cb}, accDiff, stats.BootstrapOptions{Paired: true, Seed: seed})
	if err != nil {
		return outcome{}, err
	}
	mc, err := stats.McNemar(table, stats.McNemarExact)
	if err != nil {
		return outcome{}, err
	}
	perm, err := stats.PermutationTest(ctx, [][]float64{ca, cb}, accDiff, stats.PermutationOptions{Type: stats.Paired, Seed: seed})
	if err != nil {
		return outcome{}, err
	}
	accA, accB := mean(ca), mean(cb)

	fmt.Printf("\n%s (accuracy %.4f) against %s (accuracy %.4f) on the same %d test images\n\n", nameA, accA, nameB, accB, n)
	fmt.Printf("discordant pairs: %s right and %s wrong on %d, the reverse on %d\n\n", nameA, nameB, table[0][1], table[1][0])
	t := eval.Table{Header: []string{"procedure", "what it tests", "estimate / statistic", "p-value"}}
	t.Rows = append(t.Rows,
		[]string{"paired bootstrap (BCa, 9,999)", "accuracy difference", fmt.Sprintf("%+.4f [%+.4f, %+.4f]", boot.Estimate, boot.CI.Low, boot.CI.High), "—"},
		[]string{"McNemar, exact binomial", "same error rate", fmt.Sprintf("min(b, c) = %.0f", mc.Statistic), fmt.Sprintf("%.3g", mc.PValue)},
		[]string{"paired permutation (9,999 swaps)", "same error rate", fmt.Sprintf("%+.4f", perm.Statistic), fmt.Sprintf("%.3g", perm.PValue)})
	if cv != nil {
		t.Rows = append(t.Rows,
			[]string{"5×2cv paired t (Dietterich)", "same learning algorithm", fmt.Sprintf("t = %.3f, 5 df", cv.t.Statistic), fmt.Sprintf("%.3g", cv.t.PValue)},
			[]string{"5×2cv combined F (Alpaydın)", "same learning algorithm", fmt.Sprintf("F = %.3f, (10, 5) df", cv.f.Statistic), fmt.Sprintf("%.3g", cv.f.PValue)})
	}
	if err := t.WriteMarkdown(os.Stdout); err != nil {
		return outcome{}, err
	}
	o := outcome{diff: boot.Estimate, ci: boot.CI, mcnemar: mc.PValue}
	o.verdict, o.short = verdict(nameA, nameB, boot, mc, perm, cv)
	fmt.Printf("\nVerdict: %s\n", o.verdict)
	if !plot {
		return o, nil
	}
	h, err := plots.Histogram("Paired bootstrap (dashed: 0 and the 95% CI)",
		fmt.Sprintf("accuracy(%s) − accuracy(%s)", nameA, nameB), boot.Distribution, latticeBins(boot.Distribution), 0, boot.CI.Low, boot.CI.High)
	if err := savePlot(opts, "bootstrap_difference.png", h, err); err != nil {
		return o, err
	}
	h, err = plots.Histogram("Paired permutation null (dashed: observed)", "accuracy difference under random swaps",
		perm.Null, latticeBins(perm.Null), perm.Statistic)
	if err := savePlot(opts, "permutation_null.png", h, err); err != nil {
		return o, err
	}
	if cv != nil {
		var bars []plots.Bar
		for i, rep := range cv.diffs {
			for j, d := range rep {
				bars = append(bars, plots.Bar{Label: fmt.Sprintf("%d.%d", i+1, j+1), Value: 100 * d})
			}
		}
		p, err := plots.Bars("5×2cv: error(logistic) − error(MLP) per fold, in points", "points", "", bars)
		if err := savePlot(opts, "cv52_differences.png", p, err); err != nil {
			return o, err
		}
	}
	return o, nil
}

// verdict turns the numbers into a sentence a reviewer would accept, and a
// few words for the headline.
func verdict(nameA, nameB string, boot stats.BootstrapResult, mc stats.Result, perm stats.PermutationResult, cv *cv52) (string, string) {
	const alpha = 0.05
	excludesZero := boot.CI.Low > 0 || boot.CI.High < 0
	agree := excludesZero && mc.PValue < alpha && perm.PValue < alpha
	switch {
	case agree:
		better, worse := nameA, nameB
		if boot.Estimate < 0 {
			better, worse = nameB, nameA
		}
		s := fmt.Sprintf("%s is more accurate than %s on this test set, by %.1f points (95%% CI %.1f to %.1f); the interval excludes zero and McNemar and the permutation test both reject equal error rates at 5%%",
			better, worse, 100*abs(boot.Estimate), 100*min(abs(boot.CI.Low), abs(boot.CI.High)), 100*max(abs(boot.CI.Low), abs(boot.CI.High)))
		short := better + " is better on this test set"
		if cv != nil {
			if cv.t.PValue < alpha || cv.f.PValue < alpha {
				s += "; 5×2cv says the advantage belongs to the training procedure, not to one lucky fit"
				short += " and as a method"
			} else {
				s += "; 5×2cv cannot confirm it for the training procedure (it uses half-size training sets and has little power), so claim the fitted model, not the method"
			}
		}
		return s + ".", short
	case !excludesZero && mc.PValue >= alpha && perm.PValue >= alpha:
		return fmt.Sprintf("no evidence of a difference: the accuracy difference is %+.1f points with a 95%% CI from %+.1f to %+.1f that includes zero, and neither McNemar (p = %.2f) nor the permutation test (p = %.2f) rejects equal error rates — which is not proof that the models are equally good.",
			100*boot.Estimate, 100*boot.CI.Low, 100*boot.CI.High, mc.PValue, perm.PValue), "no evidence of a difference"
	default:
		return fmt.Sprintf("inconclusive: the procedures disagree (bootstrap CI %+.1f to %+.1f points, McNemar p = %.3f, permutation p = %.3f); collect more test data before claiming a winner.",
			100*boot.CI.Low, 100*boot.CI.High, mc.PValue, perm.PValue), "inconclusive"
	}
}

// latticeBins is a bin count for a difference of accuracies, which only
// takes multiples of 1/n: one bin per distinct value (at most 60), so that
// no bin catches two lattice points while its neighbour catches none.
func latticeBins(x []float64) int {
	distinct := map[float64]bool{}
	for _, v := range x {
		distinct[math.Round(v*1e9)] = true
	}
	return min(60, max(1, len(distinct)))
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func abs(x float64) float64 { return max(x, -x) }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// savePlot writes p as name in the output directory, passing on err from
// building it.
func savePlot(opts *lesson.Options, name string, p *plot.Plot, err error) error {
	if err != nil {
		return err
	}
	return opts.SavePlot(p, name)
}
