// Command 04_model_quantization_edge is roadmap lesson 04: post-training
// int8 quantisation of an MNIST classifier, and quantisation-aware training
// as the step beyond it, measured the way an edge deployment is judged:
// accuracy, bytes, and latency at batch 1 and batch 64.
//
//	go run ./examples/04_model_quantization_edge          # MNIST from ../shared/data, else the embedded digits
//	go run ./examples/04_model_quantization_edge -quick   # a few seconds
//
// It trains a float32 MLP (784-256-128-10, ReLU) on 8,000 of MNIST's test
// images, then compares on the other 2,000:
//
//   - dynamic int8 (weights int8 per output channel once, activations uint8
//     per batch at run time), and the same with torch's x86 defaults
//     (per-tensor weights, 7-bit activations);
//   - static int8 (activation ranges calibrated on 1,000 training images
//     with the histogram observer or plain min/max);
//   - QAT: a few epochs of training through fake quantisation, converted to
//     the static int8 model it simulated, next to the same epochs of plain
//     float training as a control.
//
// It prints the table and a per-layer error report (SQNR, max error) and
// writes tradeoff.png (accuracy against latency per image) and
// weight_error.png (the first layer's weight quantisation error in units of
// each row's step: uniform on [−½, ½] as the textbook model says).
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"text/tabwriter"
	"time"

	"gonum.org/v1/plot"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
	"github.com/mlprep/mlprep/quant"
)

const seed = 1

func main() {
	opts := lesson.Parse()
	if err := run(context.Background(), opts); err != nil {
		lesson.Fatal(err)
	}
}

// variant is one row of the comparison.
type variant struct {
	name     string
	forward  func(x *nn.Mat) (*nn.Mat, error)
	bytes    int
	acc      float64
	lat1     time.Duration // batch 1, per image
	lat64    time.Duration // batch 64, per batch
	quantize *quant.Model
	float    *nn.Sequential // the float model quantize was made from
}

func run(ctx context.Context, opts *lesson.Options) error {
	train, test, dataName := datasets.MNISTOrDigits(seed, opts.Quick)
	fmt.Println("data:", dataName)
	xTrain, xTest := nn.MatFrom(train.N, train.Dim(), train.X), nn.MatFrom(test.N, test.Dim(), test.X)
	epochs, qatEpochs, rounds := 12, 3, 7
	if opts.Quick {
		epochs, qatEpochs, rounds = 3, 1, 2
	}

	sizes := []int{train.Dim(), 256, 128, 10}
	model := nn.NewMLP(sizes, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(seed))
	if err := fit(ctx, "float32 training", model, xTrain, train.Y, epochs, 1e-3); err != nil {
		return err
	}
	_, params := nn.CountParams(model.Params())
	floatForward := func(x *nn.Mat) (*nn.Mat, error) { return model.Forward(x, false), nil }
	variants := []*variant{{name: "float32", forward: floatForward, bytes: 4 * params}}

	add := func(name string, q *quant.Model, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		variants = append(variants, &variant{name: name, forward: q.Forward, bytes: q.Size(), quantize: q, float: model})
		return nil
	}
	dyn, err := quant.QuantizeDynamic(model, quant.DynamicOptions{})
	if err := add("dynamic int8", dyn, err); err != nil {
		return err
	}
	torchLike, err := quant.QuantizeDynamic(model, quant.DynamicOptions{PerTensorWeights: true, ReduceRange: true})
	if err := add("dynamic int8, torch x86 defaults", torchLike, err); err != nil {
		return err
	}
	calib := nn.MatFrom(min(1000, train.N), train.Dim(), train.X[:min(1000, train.N)*train.Dim()])
	static, err := quant.QuantizeStatic(ctx, model, calib, quant.StaticOptions{})
	if err := add("static int8, histogram calibration", static, err); err != nil {
		return err
	}
	minmax, err := quant.QuantizeStatic(ctx, model, calib, quant.StaticOptions{Observer: func() quant.Observer { return &quant.MinMax{} }})
	if err := add("static int8, min/max calibration", minmax, err); err != nil {
		return err
	}
	// QAT trains for more epochs; the same epochs without fake quantisation
	// say how much of any gain is quantisation-aware and how much is only
	// more training.
	control := nn.NewMLP(sizes, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(seed))
	for i, p := range control.Params() {
		copy(p.Value.Data, model.Params()[i].Value.Data)
	}
	if err := fit(ctx, "float32 control fine-tuning", control, xTrain, train.Y, qatEpochs, 1e-4); err != nil {
		return err
	}
	variants = append(variants, &variant{name: fmt.Sprintf("float32 + %d epochs (QAT's control)", qatEpochs),
		forward: func(x *nn.Mat) (*nn.Mat, error) { return control.Forward(x, false), nil }, bytes: 4 * params})
	qat, err := quant.NewQAT(model, quant.QATOptions{})
	if err != nil {
		return err
	}
	if err := fit(ctx, "QAT fine-tuning", qat, xTrain, train.Y, qatEpochs, 1e-4); err != nil {
		return err
	}
	converted, err := qat.Convert()
	if err := add(fmt.Sprintf("QAT (%d epochs) → static int8", qatEpochs), converted, err); err != nil {
		return err
	}
	variants[len(variants)-1].float = qat.Float()

	if err := measure(variants, xTest, test.Y, rounds); err != nil {
		return err
	}
	printTable(variants)
	if err := printLayers([]*variant{variants[1], variants[3], variants[6]}, xTest); err != nil {
		return err
	}
	if err := plotTradeoff(opts, variants, dataName); err != nil {
		return err
	}
	lsb, err := plotWeightError(opts, model.Layers[0].(*nn.Dense))
	if err != nil {
		return err
	}
	fmt.Printf("first layer weight error: std %.3f steps (uniform on [−½, ½] has %.3f)\n", lsb, 1/math.Sqrt(12))

	f, d, s, q := variants[0], variants[1], variants[3], variants[6]
	lesson.Headline("%s: float32 %.2f%%, dynamic int8 %.2f%% (%+.2f pp), static %.2f%%, QAT %.2f%%; int8 model %.1f%% of the bytes, %.1f× faster at batch 64",
		short(dataName), 100*f.acc, 100*d.acc, 100*(d.acc-f.acc), 100*s.acc, 100*q.acc,
		100*float64(d.bytes)/float64(f.bytes), float64(f.lat64)/float64(d.lat64))
	return nil
}

func short(dataName string) string {
	if len(dataName) >= 5 && dataName[:5] == "MNIST" {
		return "MNIST"
	}
	return "digits"
}

// fit trains model with Adam, printing the loss per epoch.
func fit(ctx context.Context, label string, model nn.Layer, x *nn.Mat, y []int, epochs int, lr float64) error {
	p := progress.New(label, int64(epochs), "epochs")
	_, err := nn.TrainClassifier(ctx, model, x, y, nn.TrainOptions{
		Epochs: epochs, BatchSize: 64, Optimizer: nn.NewAdam(lr), Rand: nn.NewRand(seed + 1),
		OnEpoch: func(epoch int, loss float64) { p.Note(1, fmt.Sprintf("loss %.4f", loss)) },
	})
	p.Done()
	return err
}

// measure fills in accuracy and latencies. The machine is shared, so each
// latency is the best of rounds, and the rounds visit the models in turn:
// a burst of load elsewhere slows one round of every model, not every round
// of one.
func measure(vs []*variant, x *nn.Mat, labels []int, rounds int) error {
	for _, v := range vs {
		correct := 0
		for lo := 0; lo < x.Rows; lo += 256 {
			hi := min(lo+256, x.Rows)
			y, err := v.forward(nn.MatFrom(hi-lo, x.Cols, x.Data[lo*x.Cols:hi*x.Cols]))
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			for i, p := range nn.Argmax(y) {
				if p == labels[lo+i] {
					correct++
				}
			}
		}
		v.acc = float64(correct) / float64(x.Rows)
		v.lat1, v.lat64 = time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	}
	// time returns the mean latency of forward passes of n rows over about
	// 20 ms.
	time1 := func(v *variant, n int) (time.Duration, error) {
		start, calls := time.Now(), 0
		for time.Since(start) < 20*time.Millisecond {
			lo := (calls * n) % (x.Rows - n + 1)
			if _, err := v.forward(nn.MatFrom(n, x.Cols, x.Data[lo*x.Cols:(lo+n)*x.Cols])); err != nil {
				return 0, fmt.Errorf("%s: %w", v.name, err)
			}
			calls++
		}
		return time.Since(start) / time.Duration(calls), nil
	}
	p := progress.New("timing", int64(rounds), "rounds")
	for range rounds {
		for _, v := range vs {
			t1, err := time1(v, 1)
			if err != nil {
				return err
			}
			t64, err := time1(v, min(64, x.Rows))
			if err != nil {
				return err
			}
			v.lat1, v.lat64 = min(v.lat1, t1), min(v.lat64, t64)
		}
		p.Add(1)
	}
	p.Done()
	return nil
}

func printTable(vs []*variant) {
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\ttest accuracy\tΔ vs float32\tbytes\t% of float32\tbatch 1\tbatch 64\tspeed-up at 64\t")
	f := vs[0]
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\t%.2f%%\t%+.2f pp\t%d\t%.1f%%\t%v\t%v\t%.2f×\t\n", v.name, 100*v.acc, 100*(v.acc-f.acc), v.bytes,
			100*float64(v.bytes)/float64(f.bytes), v.lat1.Round(100*time.Nanosecond), v.lat64.Round(time.Microsecond), float64(f.lat64)/float64(v.lat64))
	}
	tw.Flush()
	fmt.Println("(latency: best of several rounds of wall time on a machine shared with other jobs)")
}

func printLayers(vs []*variant, x *nn.Mat) error {
	for _, v := range vs {
		reports, err := quant.Compare(v.float, v.quantize, x)
		if err != nil {
			return err
		}
		fmt.Printf("\n%s against its float weights, per layer (outputs on the test set, errors accumulated from the input):\n", v.name)
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "layer\tshape\tweight SQNR\tweight max error\toutput SQNR\toutput max error\t")
		for _, r := range reports {
			fmt.Fprintf(tw, "%s\t%d→%d\t%.1f dB\t%.2g\t%.1f dB\t%.2g\t\n", r.Name, r.In, r.Out, r.WeightSQNR, r.WeightMaxErr, r.OutputSQNR, r.OutputMaxErr)
		}
		tw.Flush()
	}
	return nil
}

func plotTradeoff(opts *lesson.Options, vs []*variant, dataName string) error {
	var series []plots.Series
	for _, v := range vs {
		us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
		series = append(series, plots.Series{Name: v.name,
			X: []float64{us(v.lat64) / 64, us(v.lat1)}, Y: []float64{100 * v.acc, 100 * v.acc}})
	}
	p, err := plots.Lines("accuracy against latency per image ("+short(dataName)+"; left: batch 64, right: batch 1)",
		"latency per image (µs, log scale)", "test accuracy (%)", series...)
	if err != nil {
		return err
	}
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, v := range []float64{0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500} {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	// Room above the points for the legend.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = math.Min(lo, 100*v.acc), math.Max(hi, 100*v.acc)
	}
	span := math.Max(hi-lo, 0.5)
	p.Y.Min, p.Y.Max = lo-0.1*span, hi+1.2*span
	fmt.Println()
	return opts.SavePlot(p, "tradeoff.png")
}

// plotWeightError quantises the layer's weights per row as QuantizeDynamic
// does and plots (w − ŵ)/s_row, returning its standard deviation.
func plotWeightError(opts *lesson.Options, d *nn.Dense) (float64, error) {
	w := d.W.Value
	o := &quant.MinMax{Scheme: quant.Scheme{DType: quant.Int8, Symmetric: true}, PerChannel: true}
	if err := o.Observe(w.Data, w.Rows, w.Cols); err != nil {
		return 0, err
	}
	params, err := o.QParams()
	if err != nil {
		return 0, err
	}
	q, err := quant.Quantize(w.Data, []int{w.Rows, w.Cols}, params)
	if err != nil {
		return 0, err
	}
	deq := q.Dequantize()
	errs := make([]float64, len(deq))
	var sq float64
	for i, v := range w.Data {
		errs[i] = float64(v-deq[i]) / float64(params.Scale[i/w.Cols])
		sq += errs[i] * errs[i]
	}
	p, err := plots.Histogram(fmt.Sprintf("weight quantisation error, layer 0 (%d×%d, int8 per row)", w.Rows, w.Cols),
		"(w − ŵ) / step of its row", errs, 50, -0.5, 0.5)
	if err != nil {
		return 0, err
	}
	if err := opts.SavePlot(p, "weight_error.png"); err != nil {
		return 0, err
	}
	return math.Sqrt(sq / float64(len(errs))), nil
}
