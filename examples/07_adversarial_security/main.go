// Command 07_adversarial_security is roadmap lesson 07: it trains an MLP
// classifier, breaks it with FGSM, iterative and L2 attacks and DeepFool,
// then trains a second one adversarially (PGD at ε = 0.1, Madry et al.) and
// compares the two across a sweep of budgets.
//
//	go run ./examples/07_adversarial_security          # MNIST, a few minutes
//	go run ./examples/07_adversarial_security -quick   # a few seconds
//
// With ../shared/data/mnist (or $MLPREP_DATA) present it trains on a seeded
// 8,000 of MNIST's 10,000 test images and reports on the other 2,000 (the
// training images are not available here); otherwise it uses the embedded
// scikit-learn 8×8 digits. Every table names the data it was measured on.
// It writes accuracy_vs_epsilon.png and adversarial_digits.png into -out.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/mlprep/mlprep/adversarial"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
)

// plan is how much work a run does.
type plan struct {
	hidden      []int // hidden layer sizes
	maxShift    int   // random-shift augmentation, pixels
	batchSize   int
	cleanEpochs int
	advEpochs   int
	trainSteps  int // PGD steps per batch in adversarial training
	evalSteps   int // PGD steps when evaluating (PGD-20 in the full run)
	// deepFoolRows limits DeepFool, which costs about k·10 gradients per
	// image on MNIST (clipping to [0, 1] slows its steps), to the first
	// test images; 0 means all.
	deepFoolRows int
	sweep        []float64
}

func planFor(train *datasets.Images, quick bool) plan {
	shift := 2
	if train.Width < 28 {
		shift = 1 // one pixel of an 8×8 digit is already a large move
	}
	if quick {
		return plan{hidden: []int{128}, maxShift: shift, batchSize: 32, cleanEpochs: 4, advEpochs: 3, trainSteps: 3, evalSteps: 5, deepFoolRows: 100,
			sweep: []float64{0, 0.1, 0.2, 0.3}}
	}
	return plan{hidden: []int{512, 512}, maxShift: shift, batchSize: 128, cleanEpochs: 20, advEpochs: 20, trainSteps: 7, evalSteps: 20,
		sweep: []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3}}
}

const (
	seed    = 7
	fgsmEps = 0.25 // Goodfellow et al.'s MNIST budget
	pgdEps  = 0.1  // the adversarial-training budget
)

func main() {
	opts := lesson.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options) error {
	train, test, dataName := datasets.MNISTOrDigits(seed, opts.Quick)
	p := planFor(train, opts.Quick)
	x, xt := nn.MatFrom(train.N, train.Dim(), train.X), nn.MatFrom(test.N, test.Dim(), test.X)
	sizes := append(append([]int{train.Dim()}, p.hidden...), train.Classes)
	arch := strings.Trim(strings.ReplaceAll(fmt.Sprint(sizes), " ", "-"), "[]")
	fmt.Printf("Lesson 07: adversarial examples and adversarial training\n")
	fmt.Printf("data: %s\nmodel: MLP %s (ReLU), Adam 1e-3, batch %d, random shifts ≤ %d px\n\n", dataName, arch, p.batchSize, p.maxShift)

	shift := shifter(train, p.maxShift)
	clean := newMLP(sizes)
	if err := trainClean(ctx, clean, x, train.Y, p, shift); err != nil {
		return err
	}
	cleanModel := adversarial.FromLayer(clean)

	fmt.Printf("Attacks on the clean-trained model (test: %s)\n", testName(dataName, test.N))
	if err := attackTable(ctx, cleanModel, xt, test.Y, p); err != nil {
		return err
	}

	robust := newMLP(sizes)
	if err := trainAdversarially(ctx, robust, x, train.Y, p, shift); err != nil {
		return err
	}
	robustModel := adversarial.FromLayer(robust)

	fmt.Printf("\nBefore and after adversarial training (PGD-%d at ε = %v, random start), test: %s\n", p.trainSteps, pgdEps, testName(dataName, test.N))
	rows, err := compare(ctx, []namedModel{{"clean-trained", cleanModel}, {"PGD-trained", robustModel}}, xt, test.Y, p)
	if err != nil {
		return err
	}

	curves, err := sweep(ctx, []namedModel{{"clean-trained", cleanModel}, {"PGD-trained", robustModel}}, xt, test.Y, p, dataName)
	if err != nil {
		return err
	}
	if err := savePlot(opts, curves, p, dataName); err != nil {
		return err
	}
	if err := saveGrid(ctx, opts, test, cleanModel, robustModel, p); err != nil {
		return err
	}
	c, r := rows[0], rows[1]
	lesson.Headline("PGD-trained MLP keeps %.1f%% under PGD-%d ε=%v (clean %.1f%%); clean-trained MLP: %.1f%% clean, %.1f%% under FGSM ε=%v (%s)",
		100*r.pgd, p.evalSteps, pgdEps, 100*r.clean, 100*c.clean, 100*c.fgsm, fgsmEps, shortName(dataName))
	return nil
}

func newMLP(sizes []int) *nn.Sequential {
	return nn.NewMLP(sizes, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(seed))
}

// shifter returns the augmentation that translates each training image by
// up to maxShift pixels.
func shifter(s *datasets.Images, maxShift int) func(*nn.Mat, []int) *nn.Mat {
	rng := nn.NewRand(seed + 1)
	return func(x *nn.Mat, _ []int) *nn.Mat {
		return nn.MatFrom(x.Rows, x.Cols, datasets.RandomShifts(x.Data, s.Width, s.Height, maxShift, rng))
	}
}

func trainClean(ctx context.Context, net *nn.Sequential, x *nn.Mat, y []int, p plan, shift func(*nn.Mat, []int) *nn.Mat) error {
	bar := progress.New("clean training", int64(p.cleanEpochs), "epochs")
	defer bar.Done()
	_, err := nn.TrainClassifier(ctx, net, x, y, nn.TrainOptions{
		Epochs: p.cleanEpochs, BatchSize: p.batchSize, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(seed + 2),
		Augment: shift,
		OnEpoch: func(_ int, loss float64) { bar.Note(1, fmt.Sprintf("loss %.4f", loss)) },
	})
	return err
}

func trainAdversarially(ctx context.Context, net *nn.Sequential, x *nn.Mat, y []int, p plan, shift func(*nn.Mat, []int) *nn.Mat) error {
	bar := progress.New(fmt.Sprintf("PGD-%d adversarial training", p.trainSteps), int64(p.advEpochs), "epochs")
	defer bar.Done()
	_, err := adversarial.Train(ctx, net, x, y, adversarial.TrainOptions{
		// Madry et al.'s step: 2.5·ε/steps, so the walk can cross the ball.
		Attack: adversarial.PGD{Epsilon: pgdEps, Step: 2.5 * pgdEps / float64(p.trainSteps), Steps: p.trainSteps, RandomStart: true, Rand: nn.NewRand(seed + 3)},
		Epochs: p.advEpochs, BatchSize: p.batchSize, Optimizer: nn.NewAdam(1e-3), Rand: nn.NewRand(seed + 2),
		Augment: shift,
		OnEpoch: func(_ int, loss float64) { bar.Note(1, fmt.Sprintf("adversarial loss %.4f", loss)) },
	})
	return err
}

// evalPGD is the evaluation attack: L∞ PGD from a random start with steps
// of 2ε/steps (PGD-20 at ε = 0.1 takes steps of 0.01).
func evalPGD(p plan, eps float64, seedOffset uint64) adversarial.PGD {
	return adversarial.PGD{Epsilon: eps, Step: evalStep(p, eps), Steps: p.evalSteps, RandomStart: true, Rand: nn.NewRand(seed + 10 + seedOffset)}
}

func evalStep(p plan, eps float64) float64 { return 2 * eps / float64(p.evalSteps) }

// attackTable runs every attack on the clean-trained model and prints one
// row each.
func attackTable(ctx context.Context, m adversarial.Model, x *nn.Mat, y []int, p plan) error {
	attacks := []struct {
		name, budget string
		attack       adversarial.Attack
		rows         int // 0: all
	}{
		{"FGSM", fmt.Sprintf("L∞ ε=%v", fgsmEps), adversarial.FGSM{Epsilon: fgsmEps}, 0},
		{"FGSM", fmt.Sprintf("L∞ ε=%v", pgdEps), adversarial.FGSM{Epsilon: pgdEps}, 0},
		{fmt.Sprintf("BIM-%d", p.evalSteps), fmt.Sprintf("L∞ ε=%v", pgdEps), adversarial.BIM(pgdEps, evalStep(p, pgdEps), p.evalSteps), 0},
		{fmt.Sprintf("PGD-%d, random start", p.evalSteps), fmt.Sprintf("L∞ ε=%v", pgdEps), evalPGD(p, pgdEps, 0), 0},
		{fmt.Sprintf("PGD-%d L2, random start", p.evalSteps), "L2 ε=1.5",
			adversarial.PGD{Norm: adversarial.L2, Epsilon: 1.5, Step: evalStep(p, 1.5), Steps: p.evalSteps, RandomStart: true, Rand: nn.NewRand(seed + 4)}, 0},
		{"DeepFool", "none (minimal L2)", adversarial.DeepFool{}, p.deepFoolRows},
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(w, "attack\tbudget\tclean acc\trobust acc\tsuccess rate\tmean L2\tmean L∞")
	bar := progress.New("attacks", int64(len(attacks)+1), "attacks")
	for _, a := range attacks {
		xa, ya := x, y
		if a.rows > 0 && a.rows < len(y) {
			xa, ya = nn.MatFrom(a.rows, x.Cols, x.Data[:a.rows*x.Cols]), y[:a.rows]
			a.name += fmt.Sprintf(" (first %d images)", a.rows)
		}
		e, err := adversarial.Evaluate(ctx, m, a.attack, xa, ya)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		bar.Add(1)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\n", a.name, a.budget, pct(e.CleanAccuracy), pct(e.RobustAccuracy), pct(e.SuccessRate), e.MeanL2, e.MeanLinf)
	}
	targets := make([]int, len(y))
	for i, c := range y {
		targets[i] = (c + 1) % 10
	}
	res, err := adversarial.FGSM{Epsilon: fgsmEps, Targeted: true}.Perturb(ctx, m, x, targets)
	if err != nil {
		return err
	}
	bar.Add(1)
	bar.Done()
	w.Flush()
	fmt.Printf("targeted FGSM (ε=%v, target = label+1 mod 10) reaches its target on %s of the images\n", fgsmEps, pct(fraction(res.Success)))
	return nil
}

type namedModel struct {
	name  string
	model adversarial.Model
}

// comparison is one model's row of the before/after table.
type comparison struct{ clean, fgsm, fgsmSmall, pgd float64 }

func compare(ctx context.Context, models []namedModel, x *nn.Mat, y []int, p plan) ([]comparison, error) {
	w := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintf(w, "model\tclean acc\tFGSM ε=%v\tFGSM ε=%v\tPGD-%d ε=%v (step %v)\n", pgdEps, fgsmEps, p.evalSteps, pgdEps, evalStep(p, pgdEps))
	var out []comparison
	for _, nm := range models {
		var c comparison
		for _, a := range []struct {
			attack adversarial.Attack
			into   *float64
		}{
			{adversarial.FGSM{Epsilon: pgdEps}, &c.fgsmSmall},
			{adversarial.FGSM{Epsilon: fgsmEps}, &c.fgsm},
			{evalPGD(p, pgdEps, 3), &c.pgd},
		} {
			e, err := adversarial.Evaluate(ctx, nm.model, a.attack, x, y)
			if err != nil {
				return nil, err
			}
			c.clean, *a.into = e.CleanAccuracy, e.RobustAccuracy
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", nm.name, pct(c.clean), pct(c.fgsmSmall), pct(c.fgsm), pct(c.pgd))
		out = append(out, c)
	}
	return out, w.Flush()
}

// sweep prints and returns robust accuracy against ε under PGD and FGSM
// for each model.
func sweep(ctx context.Context, models []namedModel, x *nn.Mat, y []int, p plan, dataName string) ([]plots.Series, error) {
	fmt.Printf("\nRobust accuracy against ε (L∞; PGD-%d with step 2ε/%[1]d and a random start; test: %s)\n", p.evalSteps, testName(dataName, len(y)))
	bar := progress.New("ε sweep", int64(2*len(models)*len(p.sweep)), "evaluations")
	defer bar.Done()
	var curves []plots.Series
	table := map[string][]float64{}
	for _, nm := range models {
		for _, kind := range []string{"PGD", "FGSM"} {
			attackAt := func(eps float64) adversarial.Attack { return evalPGD(p, eps, 1) }
			if kind == "FGSM" {
				attackAt = func(eps float64) adversarial.Attack { return adversarial.FGSM{Epsilon: eps} }
			}
			var points []adversarial.SweepPoint
			for _, eps := range p.sweep {
				pt, err := adversarial.Sweep(ctx, nm.model, attackAt, []float64{eps}, x, y)
				if err != nil {
					return nil, err
				}
				points = append(points, pt...)
				bar.Add(1)
			}
			s := plots.Series{Name: fmt.Sprintf("%s, %s", nm.name, kind)}
			for _, pt := range points {
				s.X = append(s.X, pt.Epsilon)
				s.Y = append(s.Y, pt.RobustAccuracy)
			}
			table[s.Name] = s.Y
			curves = append(curves, s)
		}
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprint(w, "ε")
	for _, s := range curves {
		fmt.Fprintf(w, "\t%s", s.Name)
	}
	fmt.Fprintln(w)
	for i, eps := range p.sweep {
		fmt.Fprintf(w, "%v", eps)
		for _, s := range curves {
			fmt.Fprintf(w, "\t%s", pct(table[s.Name][i]))
		}
		fmt.Fprintln(w)
	}
	return curves, w.Flush()
}

func savePlot(opts *lesson.Options, curves []plots.Series, p plan, dataName string) error {
	plot, err := plots.Lines(fmt.Sprintf("Robust accuracy vs ε (%s, held-out test images)", shortName(dataName)), "ε (L∞)", "accuracy", curves...)
	if err != nil {
		return err
	}
	plot.Y.Min, plot.Y.Max = 0, 1
	return opts.SavePlot(plot, "accuracy_vs_epsilon.png")
}

// saveGrid draws test images the clean model gets right, their FGSM and PGD
// versions against the clean model, and PGD against the robust model, each
// captioned with the model's prediction.
func saveGrid(ctx context.Context, opts *lesson.Options, test *datasets.Images, clean, robust adversarial.Model, p plan) error {
	const n = 8
	x := nn.MatFrom(test.N, test.Dim(), test.X)
	pred := nn.Argmax(clean.Logits(x))
	var idx []int
	for i := 0; i < test.N && len(idx) < n; i++ {
		if pred[i] == test.Y[i] {
			idx = append(idx, i)
		}
	}
	pick := test.Subset(idx)
	xs := nn.MatFrom(pick.N, pick.Dim(), pick.X)
	var tiles []plots.Tile
	for i := range idx {
		tiles = append(tiles, plots.Tile{Pixels: pick.Image(i), Width: test.Width, Height: test.Height, Caption: fmt.Sprintf("label %d: %d", pick.Y[i], pred[idx[i]])})
	}
	rowsOf := []struct {
		label  string
		model  adversarial.Model
		attack adversarial.Attack
	}{
		{"FGSM", clean, adversarial.FGSM{Epsilon: fgsmEps}},
		{"PGD", clean, evalPGD(p, pgdEps, 2)},
		{"robust, PGD", robust, evalPGD(p, pgdEps, 2)},
	}
	for _, r := range rowsOf {
		res, err := r.attack.Perturb(ctx, r.model, xs, pick.Y)
		if err != nil {
			return err
		}
		for i := range idx {
			tiles = append(tiles, plots.Tile{Pixels: res.X.Row(i), Width: test.Width, Height: test.Height, Caption: fmt.Sprintf("%s: %d", r.label, res.Pred[i])})
		}
	}
	path, err := opts.File("adversarial_digits.png")
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Predictions on: originals; FGSM ε=%v and PGD-%d ε=%v against the clean-trained MLP; PGD against the PGD-trained MLP", fgsmEps, p.evalSteps, pgdEps)
	if err := plots.ImageGrid(path, title, tiles, len(idx)); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return nil
}

func testName(dataName string, n int) string {
	return fmt.Sprintf("%d held-out images of %s", n, dataName)
}

func shortName(dataName string) string {
	name, _, _ := strings.Cut(dataName, " (")
	return name
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

func fraction(ok []bool) float64 {
	n := 0
	for _, b := range ok {
		if b {
			n++
		}
	}
	return float64(n) / float64(len(ok))
}
