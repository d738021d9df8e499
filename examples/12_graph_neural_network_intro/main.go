// Command 12_graph_neural_network_intro is roadmap lesson 12: a graph
// convolutional network (Kipf & Welling, ICLR 2017) classifies the papers of
// the Cora citation graph from their words and their citations.
//
//	go run ./examples/12_graph_neural_network_intro           # 10 seeds on Cora, baseline, plot
//	go run ./examples/12_graph_neural_network_intro -seeds 100
//	go run ./examples/12_graph_neural_network_intro -quick    # one seed, a few seconds
//
// It reads Cora from ../shared/data/cora (or $MLPREP_DATA/cora) with the
// Planetoid split of the paper: 140 labelled papers, 500 for validation,
// 1,000 for testing. Without the data it trains on a generated Cora-sized
// graph (gcn.SBM) and says so. It prints the loss and accuracy as training
// goes, the test accuracy over seeds next to the same model without the
// graph's edges, and writes hidden_pca.png: the 16-dimensional hidden layer
// of every paper projected on its first two principal components, coloured by
// class.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/mlprep/mlprep/gcn"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
)

var seeds = flag.Int("seeds", 10, "number of seeds to train (the paper reports the mean of 100); -quick uses 1")

func main() {
	opts := lesson.Parse()
	if err := run(opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(opts *lesson.Options) error {
	d, err := loadData()
	if err != nil {
		return err
	}
	describe(d)
	n := *seeds
	if opts.Quick {
		n = 1
	}
	if n < 1 {
		return fmt.Errorf("-seeds %d: need at least one", n)
	}
	ctx := context.Background()

	fmt.Println("\nTraining seed 0 (hidden 16, dropout 0.5, Adam lr 0.01, weight decay 5e-4 on layer 1, early stopping window 10):")
	first, elapsed, err := trainVerbose(ctx, d)
	if err != nil {
		return err
	}
	fmt.Printf("seed 0: %d epochs in %v%s, test accuracy %.1f%%\n", len(first.History), elapsed.Round(time.Millisecond),
		stopped(first), 100*first.TestAcc)

	accs := []float64{first.TestAcc}
	if n > 1 {
		p := progress.New("seeds", int64(n-1), "models")
		for seed := 1; seed < n; seed++ {
			r, err := gcn.Train(ctx, d, gcn.Options{Seed: uint64(seed)})
			if err != nil {
				return err
			}
			accs = append(accs, r.TestAcc)
			p.Note(1, fmt.Sprintf("seed %d: %.1f%%", seed, 100*r.TestAcc))
		}
		p.Done()
	}
	mean, std := stat.MeanStdDev(accs, nil)

	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tseeds\ttest accuracy")
	fmt.Fprintf(tw, "GCN (words + citations)\t%d\t%s\n", n, meanStd(mean, std, n))
	if !opts.Quick {
		base, err := withoutEdges(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "same model, no edges (words only)\t1\t%.1f%%\n", 100*base)
	}
	if d.Name == "cora" {
		fmt.Fprintln(tw, "Kipf & Welling (2017), Table 2\t100\t81.5%")
	}
	tw.Flush()
	perClass(d, first)

	path, explained, err := plotHidden(opts, d, first)
	if err != nil {
		return err
	}
	fmt.Printf("\nwrote %s (first two principal components of the hidden layer: %.0f%% of its variance)\n", path, 100*explained)

	source, note := "Cora (Planetoid split)", "; paper 81.5%"
	if d.Name != "cora" {
		source, note = "generated SBM graph (no Cora data)", ""
	}
	seedsUsed := "seed 0"
	if n > 1 {
		seedsUsed = fmt.Sprintf("%d seeds", n)
	}
	lesson.Headline("%s: GCN test accuracy %s (%s%s); %d epochs in %v",
		source, meanStd(mean, std, n), seedsUsed, note, len(first.History), elapsed.Round(time.Millisecond))
	return nil
}

// loadData returns Cora when the shared data has it, else the generated
// stand-in.
func loadData() (*gcn.Dataset, error) {
	d, err := gcn.LoadCora("")
	if err == nil {
		return d, nil
	}
	if !errors.Is(err, datasets.ErrNoData) && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	fmt.Printf("Cora not found (%v):\nusing a generated Cora-sized stochastic block model instead (gcn.SBM{}).\n", err)
	return gcn.SBM{}.Generate()
}

func describe(d *gcn.Dataset) {
	g := d.Graph
	isolated := 0
	for i := range g.Nodes() {
		if g.Degree(i) == 0 {
			isolated++
		}
	}
	x := d.Features
	fmt.Printf("%s: %d nodes, %d undirected edges (mean degree %.2f, %d isolated), %d classes\n",
		d.Name, g.Nodes(), g.Edges(), 2*float64(g.Edges())/float64(g.Nodes()), isolated, d.Classes)
	fmt.Printf("features: %d×%d bag of words, %d non-zeros (%.2f%% dense), stored sparse\n",
		x.Rows, x.Cols, x.NNZ(), 100*float64(x.NNZ())/float64(x.Rows*x.Cols))
	fmt.Printf("split %q: %d train, %d validation, %d test nodes\n",
		d.Split.Name, len(d.Split.Train), len(d.Split.Val), len(d.Split.Test))
}

// trainVerbose trains seed 0, printing every tenth epoch and a progress line.
func trainVerbose(ctx context.Context, d *gcn.Dataset) (*gcn.Result, time.Duration, error) {
	p := progress.New("training", 200, "epochs")
	fmt.Printf("%6s %11s %10s %9s %8s\n", "epoch", "train loss", "train acc", "val loss", "val acc")
	start := time.Now()
	r, err := gcn.Train(ctx, d, gcn.Options{OnEpoch: func(s gcn.EpochStats) {
		p.Note(1, fmt.Sprintf("val loss %.3f, val acc %.1f%%", s.ValLoss, 100*s.ValAcc))
		if s.Epoch == 1 || s.Epoch%10 == 0 {
			fmt.Printf("%6d %11.4f %9.1f%% %9.4f %7.1f%%\n", s.Epoch, s.TrainLoss, 100*s.TrainAcc, s.ValLoss, 100*s.ValAcc)
		}
	}})
	elapsed := time.Since(start)
	p.Done()
	return r, elapsed, err
}

func stopped(r *gcn.Result) string {
	if r.StoppedEarly {
		return " (early stop: validation loss above its 10-epoch mean)"
	}
	return ""
}

// withoutEdges trains the same model on the graph with every edge removed:
// each node then sees only its own words, so the GCN becomes a two-layer MLP.
func withoutEdges(ctx context.Context, d *gcn.Dataset) (float64, error) {
	g, err := gcn.NewGraph(d.Graph.Nodes(), nil)
	if err != nil {
		return 0, err
	}
	bare := *d
	bare.Graph = g
	r, err := gcn.Train(ctx, &bare, gcn.Options{})
	if err != nil {
		return 0, err
	}
	return r.TestAcc, nil
}

// perClass prints the test accuracy of each class for one model.
func perClass(d *gcn.Dataset, r *gcn.Result) {
	right := make([]int, d.Classes)
	total := make([]int, d.Classes)
	for _, i := range d.Split.Test {
		total[d.Labels[i]]++
		if r.Predictions[i] == d.Labels[i] {
			right[d.Labels[i]]++
		}
	}
	fmt.Println("\nseed 0, test accuracy by class:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for c := range d.Classes {
		fmt.Fprintf(tw, "  %s\t%d/%d\t%.1f%%\n", className(d, c), right[c], total[c], 100*float64(right[c])/math.Max(float64(total[c]), 1))
	}
	tw.Flush()
}

func className(d *gcn.Dataset, c int) string {
	if d.ClassNames != nil {
		return d.ClassNames[c]
	}
	return fmt.Sprint(c)
}

// plotHidden projects the hidden layer on its first two principal components
// and plots every node coloured by its true class. It returns the file and
// the fraction of variance the two components hold.
func plotHidden(opts *lesson.Options, d *gcn.Dataset, r *gcn.Result) (string, float64, error) {
	h := r.Embeddings
	a := mat.NewDense(h.Rows, h.Cols, nil)
	for i := 0; i < h.Rows; i++ {
		for j, v := range h.Row(i) {
			a.Set(i, j, float64(v))
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(a, nil) {
		return "", 0, errors.New("PCA of the hidden layer failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	var total float64
	for _, v := range vars {
		total += v
	}
	explained := 0.0
	if total > 0 {
		explained = (vars[0] + vars[1]) / total
	}
	// Centre, then project: the principal axes pass through the mean.
	means := make([]float64, h.Cols)
	for j := range means {
		means[j] = stat.Mean(mat.Col(nil, j, a), nil)
	}
	for i := 0; i < h.Rows; i++ {
		for j := range means {
			a.Set(i, j, a.At(i, j)-means[j])
		}
	}
	var proj mat.Dense
	proj.Mul(a, vecs.Slice(0, h.Cols, 0, 2))

	series := make([]plots.Series, d.Classes)
	for c := range series {
		series[c].Name = className(d, c)
	}
	for i := 0; i < h.Rows; i++ {
		s := &series[d.Labels[i]]
		s.X = append(s.X, proj.At(i, 0))
		s.Y = append(s.Y, proj.At(i, 1))
	}
	p, err := plots.ClassScatter(fmt.Sprintf("GCN hidden layer (%s), PCA", d.Name), "PC 1", "PC 2", series...)
	if err != nil {
		return "", 0, err
	}
	path, err := opts.File("hidden_pca.png")
	if err != nil {
		return "", 0, err
	}
	return path, explained, plots.Save(p, path)
}

func meanStd(mean, std float64, n int) string {
	if n < 2 {
		return fmt.Sprintf("%.1f%%", 100*mean)
	}
	return fmt.Sprintf("%.1f ± %.1f%%", 100*mean, 100*std)
}
