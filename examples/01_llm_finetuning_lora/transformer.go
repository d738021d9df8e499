package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
	"github.com/mlprep/mlprep/lora"
)

// The transformer section: LoRA on the query and value projections of
// attention, as in the LoRA paper, on the attention package's tiny Tagger.
// It is pretrained to reverse digit sequences, then adapted to the reversal
// rotated by one position (output i is input (L−i) mod L): the same digits,
// routed to other positions, so the attention pattern itself must change.
// A new head cannot do that; adapters on W_q can.

// transformerSettings are the sizes and hyperparameters of the section.
type transformerSettings struct {
	length, train, test         int
	pretrainEpochs, adaptEpochs int
	batch                       int
	pretrainLR, fullLR, loraLR  float64
	headLR                      float64
}

// taggerConfig is one pre-LayerNorm block of width 32 with 4 heads.
var taggerConfig = attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 32, NumHeads: 4, FFDim: 64, Layers: 1}

// qv are the LoRA paper's targets.
var qv = []string{"q_proj", "v_proj"}

// digitTask returns n random digit sequences and targets whose position i
// holds the input at position source(i, length).
func digitTask(n, length int, rng interface{ IntN(int) int }, source func(i, length int) int) (inputs, targets [][]int) {
	inputs, targets = make([][]int, n), make([][]int, n)
	for s := range n {
		in, out := make([]int, length), make([]int, length)
		for i := range in {
			in[i] = rng.IntN(10)
		}
		for i := range out {
			out[i] = in[source(i, length)]
		}
		inputs[s], targets[s] = in, out
	}
	return inputs, targets
}

func reversed(i, length int) int        { return length - 1 - i }
func reversedRotated(i, length int) int { return (length - i) % length }

// sequences is one task's training and test sets.
type sequences struct{ x, y, tx, ty [][]int }

func newSequences(t transformerSettings, seed uint64, source func(i, length int) int) sequences {
	rng := nn.NewRand(seed)
	var s sequences
	s.x, s.y = digitTask(t.train, t.length, rng, source)
	s.tx, s.ty = digitTask(t.test, t.length, rng, source)
	return s
}

// tfResult is what one adaptation of the Tagger measured; origOff is NaN
// where no adapter can be turned off.
type tfResult struct {
	trainable, total int
	shifted, orig    float64
	origOff          float64
	offExact         bool // adapter off: logits bit-identical to the base's
	stepMS           float64
	fileBytes        int64
}

// tfExperiment holds the section's measurements: results[method][seed].
type tfExperiment struct {
	methods              []method
	baseOrig, baseShift  []float64
	results              [][]tfResult
	baseParams, fullSize int64
}

// cloneTagger returns a copy of t with the same weights.
func cloneTagger(t *attention.Tagger) *attention.Tagger {
	c := attention.NewTagger(taggerConfig, nil)
	src := t.Parameters()
	for i, p := range c.Parameters() {
		copy(p.Value.Data().([]float32), src[i].Value.Data().([]float32))
	}
	return c
}

// taggerTensors returns the Tagger's state_dict entries whose names keep
// selects.
func taggerTensors(t *attention.Tagger, keep func(string) bool) []namedTensor {
	var out []namedTensor
	for _, p := range t.Parameters() {
		if keep(p.Name) {
			out = append(out, namedTensor{name: p.Name, shape: p.Value.Shape(), data: p.Value.Data().([]float32)})
		}
	}
	return out
}

// runTransformer runs the section for every seed.
func runTransformer(ctx context.Context, t transformerSettings, seeds int, ranks []int, dir string) (*tfExperiment, error) {
	ms := methods(ranks)
	e := &tfExperiment{methods: ms, results: make([][]tfResult, len(ms))}
	rep := progress.New("transformer section", int64(seeds*(t.pretrainEpochs+len(ms)*t.adaptEpochs)), "epochs")
	defer rep.Done()
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		orig := newSequences(t, 100+seed, reversed)
		shifted := newSequences(t, 200+seed, reversedRotated)
		base := attention.NewTagger(taggerConfig, nn.NewRand(seed))
		if _, err := base.Fit(ctx, orig.x, orig.y, attention.FitOptions{
			Epochs: t.pretrainEpochs, BatchSize: t.batch, LR: t.pretrainLR, Rand: nn.NewRand(seed),
			OnEpoch: func(epoch int, loss float64) {
				rep.Note(1, fmt.Sprintf("seed %d, pretraining on reversal: epoch %d loss %.3f", seed, epoch+1, loss))
			},
		}); err != nil {
			return nil, err
		}
		bo, err := base.Accuracy(orig.tx, orig.ty)
		if err != nil {
			return nil, err
		}
		bs, err := base.Accuracy(shifted.tx, shifted.ty)
		if err != nil {
			return nil, err
		}
		e.baseOrig, e.baseShift = append(e.baseOrig, bo), append(e.baseShift, bs)
		if seed == 1 {
			path := filepath.Join(dir, "transformer_base.safetensors")
			if e.fullSize, err = saveSize(path, taggerTensors(base, func(string) bool { return true })); err != nil {
				return nil, err
			}
			_, total := nn.CountParams(base.Params())
			e.baseParams = int64(total)
		}
		for i, m := range ms {
			r, err := adaptTagger(ctx, base, m, orig, shifted, t, seed, dir, rep)
			if err != nil {
				return nil, fmt.Errorf("transformer, seed %d, %s: %w", seed, m.name, err)
			}
			e.results[i] = append(e.results[i], r)
		}
	}
	return e, nil
}

// adaptTagger copies base, adapts the copy to the shifted task by method m
// and measures it.
func adaptTagger(ctx context.Context, base *attention.Tagger, m method, orig, shifted sequences, t transformerSettings, seed uint64, dir string, rep *progress.Reporter) (tfResult, error) {
	model := cloneTagger(base)
	var peft *lora.Model
	lr := t.fullLR
	switch {
	case m.rank > 0:
		var err error
		peft, err = lora.New(model, lora.Config{R: m.rank, Alpha: 2 * float64(m.rank), TargetModules: qv, Rand: nn.NewRand(seed + 1000)})
		if err != nil {
			return tfResult{}, err
		}
		lr = t.loraLR
	case m.head:
		for _, p := range model.Params() {
			p.Frozen = true
		}
		for _, c := range model.Children() {
			if c.Name == "head" {
				for _, p := range c.Layer.Params() {
					p.Frozen = false
				}
			}
		}
		lr = t.headLR
	}
	count := lora.TrainableParameters(model)
	start := time.Now()
	if _, err := model.Fit(ctx, shifted.x, shifted.y, attention.FitOptions{
		Epochs: t.adaptEpochs, BatchSize: t.batch, LR: lr, Rand: nn.NewRand(seed + 2000),
		OnEpoch: func(epoch int, loss float64) {
			rep.Note(1, fmt.Sprintf("seed %d, %s on the rotated reversal: epoch %d loss %.3f", seed, m.name, epoch+1, loss))
		},
	}); err != nil {
		return tfResult{}, err
	}
	steps := t.adaptEpochs * ((t.train + t.batch - 1) / t.batch)
	res := tfResult{trainable: count.Trainable, total: count.Total, origOff: math.NaN(),
		stepMS: 1000 * time.Since(start).Seconds() / float64(steps)}
	var err error
	if res.shifted, err = model.Accuracy(shifted.tx, shifted.ty); err != nil {
		return res, err
	}
	if res.orig, err = model.Accuracy(orig.tx, orig.ty); err != nil {
		return res, err
	}
	var path string
	switch {
	case peft != nil:
		peft.DisableAdapters()
		if res.origOff, err = model.Accuracy(orig.tx, orig.ty); err != nil {
			return res, err
		}
		off, err := model.Logits(orig.tx)
		if err != nil {
			return res, err
		}
		want, err := base.Logits(orig.tx)
		if err != nil {
			return res, err
		}
		res.offExact = slices.Equal(off.Data().([]float32), want.Data().([]float32))
		peft.EnableAdapters()
		adapterDir := filepath.Join(dir, fmt.Sprintf("transformer_qv_r%d_seed%d", m.rank, seed))
		if err := peft.Save(adapterDir, lora.SaveOptions{BaseModel: "tagger-1x32x4"}); err != nil {
			return res, err
		}
		st, err := os.Stat(filepath.Join(adapterDir, lora.WeightsFile))
		if err != nil {
			return res, err
		}
		res.fileBytes = st.Size()
	case m.head:
		path = filepath.Join(dir, "transformer_head.safetensors")
		res.fileBytes, err = saveSize(path, taggerTensors(model, func(n string) bool { return strings.HasPrefix(n, "head.") }))
	default:
		path = filepath.Join(dir, "transformer_full.safetensors")
		res.fileBytes, err = saveSize(path, taggerTensors(model, func(string) bool { return true }))
	}
	return res, err
}

func (e *tfExperiment) column(method int) (shifted, orig, origOff, stepMS []float64, r tfResult) {
	for _, res := range e.results[method] {
		shifted, orig = append(shifted, res.shifted), append(orig, res.orig)
		origOff, stepMS = append(origOff, res.origOff), append(stepMS, res.stepMS)
		r = res
	}
	return shifted, orig, origOff, stepMS, r
}

// exact reports whether turning every adapter off gave the base model's
// logits bit for bit, in every run.
func (e *tfExperiment) exact() bool {
	for i, m := range e.methods {
		for _, r := range e.results[i] {
			if m.rank > 0 && !r.offExact {
				return false
			}
		}
	}
	return true
}

// table formats the section's results as a Markdown table.
func (e *tfExperiment) table() string {
	var b strings.Builder
	b.WriteString("| method | trainable params | % of base | rotated reversal acc | reversal acc after (adapter on) | reversal acc (adapter off) | ms/step | file |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| pretrained base (no adaptation) | 0 | 0 | %s | %s | — | — | %s |\n", pct(e.baseShift), pct(e.baseOrig), size(e.fullSize))
	for i, m := range e.methods {
		shifted, orig, off, step, r := e.column(i)
		name := m.name
		if m.rank > 0 {
			name += " on q, v"
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f | %s | %s | %s | %.1f | %s |\n", name, r.trainable,
			100*float64(r.trainable)/float64(e.baseParams), pct(shifted), pct(orig), pct(off), mean(step), size(r.fileBytes))
	}
	return b.String()
}

// plot draws rotated-reversal accuracy against trainable parameters.
func (e *tfExperiment) plot(path string) error {
	var series []plots.Series
	var lx, ly []float64
	for i, m := range e.methods {
		shifted, _, _, _, r := e.column(i)
		x, y := float64(r.trainable), 100*mean(shifted)
		if m.rank > 0 {
			lx, ly = append(lx, x), append(ly, y)
			continue
		}
		series = append(series, plots.Series{Name: m.name, X: []float64{x}, Y: []float64{y}})
	}
	series = append(series, plots.Series{Name: "LoRA on q, v, r=1,2,4,8", X: lx, Y: ly})
	p, err := plots.Lines("Tiny transformer: reversal → reversal rotated by one", "trainable parameters (log scale)", "test token accuracy (%)", series...)
	if err != nil {
		return err
	}
	logX(p, series)
	return plots.Save(p, path)
}

// print prints the section's settings, table and exactness check.
func (e *tfExperiment) print(t transformerSettings, seeds int) {
	fmt.Printf("\n## LoRA on attention: q and v of a tiny transformer\n\n")
	fmt.Printf("attention.Tagger (1 pre-LN block, E=%d, %d heads, FF %d, %d parameters), sequences of %d digits;\n",
		taggerConfig.EmbedDim, taggerConfig.NumHeads, taggerConfig.FFDim, e.baseParams, t.length)
	fmt.Printf("pretrained %d epochs on reversal (%d sequences), adapted %d epochs to the reversal rotated by one; Adam, batch %d;\n",
		t.pretrainEpochs, t.train, t.adaptEpochs, t.batch)
	fmt.Printf("learning rates: full %g, LoRA %g (α = 2r, targets q_proj and v_proj), head %g; %d seed(s)\n\n", t.fullLR, t.loraLR, t.headLR, seeds)
	fmt.Print(e.table())
	yes := map[bool]string{true: "yes", false: "NO"}
	fmt.Printf("\nadapter off gives the base model's logits bit for bit (every run): %s\n", yes[e.exact()])
}
