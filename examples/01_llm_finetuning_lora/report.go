package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"

	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
)

func run(opts *lesson.Options, s settings) error {
	dir, err := opts.File("adapters")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var headlines []string
	if s.section != "transformer" {
		h, err := runMLPSection(opts, s, dir)
		if err != nil {
			return err
		}
		headlines = append(headlines, h)
	}
	if s.section != "mlp" {
		h, err := runTransformerSection(opts, s, dir)
		if err != nil {
			return err
		}
		headlines = append(headlines, h)
	}
	lesson.Headline("%s", strings.Join(headlines, "; "))
	return nil
}

// runMLPSection runs, prints and plots the MNIST MLP experiment and returns
// its part of the headline.
func runMLPSection(opts *lesson.Options, s settings, dir string) (string, error) {
	md, err := opts.File("lora_results.md")
	if err != nil {
		return "", err
	}
	writeTable := func(e *experiment) error {
		return os.WriteFile(md, []byte(e.table()), 0o644)
	}
	e, err := runExperiment(context.Background(), s, opts.Quick, dir, writeTable)
	if err != nil {
		return "", err
	}
	fmt.Printf("data: %s; %d seed(s); pretraining %d epochs, adaptation %d epochs, Adam, batch %d\n",
		e.data, s.seeds, s.pretrainEpochs, s.adaptEpochs, s.batch)
	fmt.Printf("learning rates: pretraining %g, full fine-tuning %g, LoRA %g (α = 2r on layers 0, 2, 4), head %g\n",
		s.pretrainLR, s.fullLR, s.loraLR, s.headLR)
	fmt.Printf("LoRA r=8, as PEFT prints it: %s\n\n", e.report)
	fmt.Print(e.table())
	fmt.Println()
	e.printTargets(opts.Quick)
	png, err := opts.File("lora_accuracy_vs_params.png")
	if err != nil {
		return "", err
	}
	if err := e.plot(png); err != nil {
		return "", err
	}
	fmt.Printf("\nwrote %s, %s and the adapters under %s\n", md, png, dir)

	full, r8 := e.column(30, 0), e.column(30, e.rankIndex(8))
	return fmt.Sprintf("LoRA r=8 (%.1f%% of params): 30° %.1f%% vs full FT %.1f%% (gap %.1f pp), 90° %.1f%%; adapter off keeps upright %.1f%%, full FT forgets to %.1f%%",
		100*float64(e.report.Trainable)/float64(e.report.Total-e.report.Trainable),
		100*mean(r8.rotated), 100*mean(full.rotated), 100*(mean(full.rotated)-mean(r8.rotated)),
		100*mean(e.column(90, e.rankIndex(8)).rotated), 100*mean(r8.uprightOff), 100*mean(full.upright)), nil
}

// runTransformerSection runs, prints and plots LoRA on the tiny
// transformer's q and v and returns its part of the headline.
func runTransformerSection(opts *lesson.Options, s settings, dir string) (string, error) {
	tf, err := runTransformer(context.Background(), s.transformer, s.seeds, s.ranks, dir)
	if err != nil {
		return "", err
	}
	tf.print(s.transformer, s.seeds)
	md, err := opts.File("lora_transformer_results.md")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(md, []byte(tf.table()), 0o644); err != nil {
		return "", err
	}
	png, err := opts.File("lora_transformer_qv.png")
	if err != nil {
		return "", err
	}
	if err := tf.plot(png); err != nil {
		return "", err
	}
	fmt.Printf("wrote %s and %s\n", md, png)
	r4, _, _, _, _ := tf.column(rankIndex(tf.methods, 4))
	head, _, _, _, _ := tf.column(len(tf.methods) - 1)
	return fmt.Sprintf("transformer, LoRA on q,v r=4: %.1f%% vs head-only %.1f%%", 100*mean(r4), 100*mean(head)), nil
}

// columns are one method's measurements across seeds.
type columns struct {
	rotated, upright, uprightOff, seconds, stepMS []float64
	trainable, total                              int
	fileBytes                                     int64
}

func (e *experiment) column(angle float64, method int) columns {
	var c columns
	for _, r := range e.results[angle][method] {
		c.rotated = append(c.rotated, r.rotated)
		c.upright = append(c.upright, r.upright)
		c.uprightOff = append(c.uprightOff, r.uprightOff)
		c.seconds = append(c.seconds, r.seconds)
		c.stepMS = append(c.stepMS, r.stepMS)
		c.trainable, c.total, c.fileBytes = r.trainable, r.total, r.fileBytes
	}
	return c
}

func (e *experiment) rankIndex(r int) int { return rankIndex(e.methods, r) }

// rankIndex returns the index of LoRA at rank r in ms, or -1.
func rankIndex(ms []method, r int) int {
	return slices.IndexFunc(ms, func(m method) bool { return m.rank == r })
}

func mean(x []float64) float64 { return stat.Mean(x, nil) }

// pct formats accuracies as mean ± standard deviation in percent.
func pct(x []float64) string {
	if math.IsNaN(x[0]) {
		return "—"
	}
	if len(x) == 1 {
		return fmt.Sprintf("%.1f", 100*x[0])
	}
	m, sd := stat.MeanStdDev(x, nil)
	return fmt.Sprintf("%.1f ± %.1f", 100*m, 100*sd)
}

func size(b int64) string {
	if b >= 1<<20 {
		return fmt.Sprintf("%.2f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
}

// table formats the results as a Markdown table, one block per angle.
func (e *experiment) table() string {
	var b strings.Builder
	b.WriteString("| task | method | trainable params | % of base | rotated test acc | upright acc after (adapter on) | upright acc (adapter off) | train time | ms/step | file |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	baseParams := e.column(30, 0).total
	for _, a := range sortedAngles(e.results) {
		fmt.Fprintf(&b, "| %s | pretrained base (no adaptation) | 0 | 0 | %s | %s | — | — | — | %s |\n",
			label(a), pct(e.baseRotated[a]), pct(e.baseUpright), size(e.fullModelBytes))
		for i, m := range e.methods {
			c := e.column(a, i)
			fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %s | %s | %s | %.1f s | %.1f | %s |\n",
				label(a), m.name, c.trainable, 100*float64(c.trainable)/float64(baseParams),
				pct(c.rotated), pct(c.upright), pct(c.uprightOff), mean(c.seconds), mean(c.stepMS), size(c.fileBytes))
		}
	}
	return b.String()
}

// printTargets checks the lesson's claims against the measurements.
func (e *experiment) printTargets(quick bool) {
	yes := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "NO"
	}
	full30, r830 := e.column(30, 0), e.column(30, e.rankIndex(8))
	gap := 100 * (mean(full30.rotated) - mean(r830.rotated))
	if quick {
		fmt.Println("(-quick is a smoke run on a few hundred images: the targets below are for the full run)")
	}
	fmt.Printf("30°: LoRA r=8 within 2.0 pp of full fine-tuning (seeds: %d): %s (gap %.2f pp)\n", len(full30.rotated), yes(gap <= 2), gap)
	r890, head90 := e.column(90, e.rankIndex(8)), e.column(90, len(e.methods)-1)
	fmt.Printf("90°: LoRA r=8 ≥ 92%%: %s (%.1f%%); above head-only + 4 pp: %s (%.1f%% vs %.1f%%)\n",
		yes(mean(r890.rotated) >= 0.92), 100*mean(r890.rotated), yes(mean(r890.rotated) > mean(head90.rotated)+0.04), 100*mean(r890.rotated), 100*mean(head90.rotated))
	var accs []string
	rising := true
	prev := -1.0
	for i, m := range e.methods {
		if m.rank > 0 {
			a := mean(e.column(90, i).rotated)
			rising = rising && a > prev
			prev = a
			accs = append(accs, fmt.Sprintf("r=%d %.1f", m.rank, 100*a))
		}
	}
	fmt.Printf("90°: accuracy rising with rank: %s (%s)\n", yes(rising), strings.Join(accs, ", "))
	restored := true
	for _, a := range sortedAngles(e.results) {
		for i, m := range e.methods {
			if m.rank > 0 {
				for s, r := range e.results[a][i] {
					restored = restored && r.uprightOff == e.baseUpright[s]
				}
			}
		}
	}
	fmt.Printf("adapter off restores the base's upright accuracy exactly (every run): %s; full FT upright after: 30° %.1f%%, 90° %.1f%% (base %.1f%%)\n",
		yes(restored), 100*mean(full30.upright), 100*mean(e.column(90, 0).upright), 100*mean(e.baseUpright))
	fmt.Printf("training step: full %.1f ms, LoRA r=8 %.1f ms (ratio %.2f)\n", mean(full30.stepMS), mean(r830.stepMS), mean(r830.stepMS)/mean(full30.stepMS))
	fmt.Printf("r=8 adapter file %s = %.1f%% of the full model's %s (target ≤ 5%%)\n",
		size(r830.fileBytes), 100*float64(r830.fileBytes)/float64(e.fullModelBytes), size(e.fullModelBytes))
}

func sortedAngles(m map[float64][][]result) []float64 {
	return slices.Sorted(maps.Keys(m))
}

// plot draws rotated-test accuracy against trainable parameters (log scale).
func (e *experiment) plot(path string) error {
	var series []plots.Series
	for _, a := range sortedAngles(e.results) {
		var lx, ly []float64
		for i, m := range e.methods {
			c := e.column(a, i)
			x, y := []float64{float64(c.trainable)}, []float64{100 * mean(c.rotated)}
			switch {
			case m.rank > 0:
				lx, ly = append(lx, x[0]), append(ly, y[0])
			default:
				series = append(series, plots.Series{Name: label(a) + " " + m.name, X: x, Y: y})
			}
		}
		series = append(series, plots.Series{Name: label(a) + " LoRA r=1,2,4,8", X: lx, Y: ly})
	}
	p, err := plots.Lines("Adapting to rotated digits: accuracy vs trainable parameters", "trainable parameters (log scale)", "rotated test accuracy (%)", series...)
	if err != nil {
		return err
	}
	logX(p, series)
	return plots.Save(p, path)
}

// logX gives p a logarithmic x axis padded so that the extreme points
// (full fine-tuning) sit inside the frame, with the legend at the bottom
// right.
func logX(p *plot.Plot, series []plots.Series) {
	lo, hi := math.Inf(1), 0.0
	for _, s := range series {
		for _, x := range s.X {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	p.X.Min, p.X.Max = lo/2, 3*hi
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = false, false
}
