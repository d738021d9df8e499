package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/progress"
	"github.com/mlprep/mlprep/internal/safetensors"
	"github.com/mlprep/mlprep/lora"
)

// method is one way of adapting the pretrained model.
type method struct {
	name string
	rank int  // LoRA rank; 0 for the others
	head bool // train only the last layer
}

func methods(ranks []int) []method {
	ms := []method{{name: "full fine-tuning"}}
	for _, r := range ranks {
		ms = append(ms, method{name: fmt.Sprintf("LoRA r=%d", r), rank: r})
	}
	return append(ms, method{name: "head only", head: true})
}

// result is what one adaptation run measured. Accuracies that do not apply
// (adapter off for full fine-tuning) are NaN.
type result struct {
	trainable, total             int
	rotated, upright, uprightOff float64
	seconds, stepMS              float64
	fileBytes                    int64
}

// targets are the MLP's three Dense layers in nn.Sequential's naming.
var targets = []string{"0", "2", "4"}

func newMLP(in int, seed uint64) *nn.Sequential {
	return nn.NewMLP([]int{in, 512, 512, 10}, func() nn.Layer { return &nn.ReLU{} }, nn.NewRand(seed))
}

// clone returns a deep copy of an MLP built by newMLP.
func clone(m *nn.Sequential) *nn.Sequential {
	c := newMLP(m.Layers[0].(*nn.Dense).In(), 0)
	dst := nn.NamedParams(c)
	for i, p := range nn.NamedParams(m) {
		copy(dst[i].Param.Value.Data, p.Param.Value.Data)
	}
	return c
}

func matrix(s *datasets.Images) *nn.Mat { return nn.MatFrom(s.N, s.Dim(), s.X) }

func accuracy(model nn.Layer, s *datasets.Images) float64 {
	pred := nn.Predict(model, matrix(s), 500)
	correct := 0
	for i, p := range pred {
		if p == s.Y[i] {
			correct++
		}
	}
	return float64(correct) / float64(s.N)
}

// split is one seed's data: upright and rotated training and test sets.
type split struct {
	train, test *datasets.Images
	rotated     map[float64][2]*datasets.Images // angle → train, test
}

// train fits model with Adam, reporting each epoch to rep.
func train(ctx context.Context, model nn.Layer, data *datasets.Images, epochs, batch int, lr float64, seed uint64, rep *progress.Reporter, what string) (time.Duration, error) {
	start := time.Now()
	_, err := nn.TrainClassifier(ctx, model, matrix(data), data.Y, nn.TrainOptions{
		Epochs: epochs, BatchSize: batch, Optimizer: nn.NewAdam(lr), Rand: nn.NewRand(seed),
		OnEpoch: func(epoch int, loss float64) { rep.Note(1, fmt.Sprintf("%s: epoch %d loss %.3f", what, epoch+1, loss)) },
	})
	return time.Since(start), err
}

// adapt copies base, adapts the copy to the rotated data by method m, and
// measures it. LoRA adapters are saved in PEFT's format under dir; the full
// and head-only weights, whose sizes do not depend on the seed, only for
// seed 1.
func adapt(ctx context.Context, base *nn.Sequential, m method, angle float64, d split, s settings, seed uint64, dir string, rep *progress.Reporter) (result, error) {
	model := clone(base)
	var layer nn.Layer = model
	var peft *lora.Model
	lr := s.fullLR
	switch {
	case m.rank > 0:
		var err error
		peft, err = lora.New(model, lora.Config{R: m.rank, Alpha: 2 * float64(m.rank), TargetModules: targets, Rand: nn.NewRand(seed + 1000)})
		if err != nil {
			return result{}, err
		}
		layer, lr = peft, s.loraLR
	case m.head:
		for _, p := range model.Params() {
			p.Frozen = true
		}
		for _, p := range model.Layers[len(model.Layers)-1].Params() {
			p.Frozen = false
		}
		lr = s.headLR
	}
	count := lora.TrainableParameters(layer)
	rot := d.rotated[angle]
	took, err := train(ctx, layer, rot[0], s.adaptEpochs, s.batch, lr, seed+2000, rep, fmt.Sprintf("seed %d, %v°, %s", seed, angle, m.name))
	if err != nil {
		return result{}, err
	}
	steps := s.adaptEpochs * ((rot[0].N + s.batch - 1) / s.batch)
	r := result{
		trainable: count.Trainable, total: count.Total,
		rotated: accuracy(layer, rot[1]), upright: accuracy(layer, d.test), uprightOff: math.NaN(),
		seconds: took.Seconds(), stepMS: 1000 * took.Seconds() / float64(steps),
	}
	var path string
	switch {
	case peft != nil:
		peft.DisableAdapters()
		r.uprightOff = accuracy(peft, d.test)
		peft.EnableAdapters()
		adapterDir := filepath.Join(dir, fmt.Sprintf("rot%v_r%d_seed%d", angle, m.rank, seed))
		if err := peft.Save(adapterDir, lora.SaveOptions{BaseModel: "mlp-784-512-512-10"}); err != nil {
			return result{}, err
		}
		path = filepath.Join(adapterDir, lora.WeightsFile)
	case m.head:
		path = filepath.Join(dir, fmt.Sprintf("rot%v_head.safetensors", angle))
		if seed == 1 {
			err = saveTensors(path, mlpTensors(model, func(name string) bool { return name[0] == '4' }))
		}
	default:
		path = filepath.Join(dir, fmt.Sprintf("rot%v_full.safetensors", angle))
		if seed == 1 {
			err = saveTensors(path, mlpTensors(model, func(string) bool { return true }))
		}
	}
	if err != nil {
		return result{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return result{}, err
	}
	r.fileBytes = st.Size()
	return r, nil
}

// namedTensor is one entry of a PyTorch state dict.
type namedTensor struct {
	name  string
	shape []int
	data  []float32
}

// mlpTensors returns the MLP's parameters that keep selects, named as a
// PyTorch state dict ("0.weight", …).
func mlpTensors(model nn.Layer, keep func(string) bool) []namedTensor {
	var out []namedTensor
	for _, p := range nn.NamedParams(model) {
		if !keep(p.Path) {
			continue
		}
		v := p.Param.Value
		shape := []int{v.Rows, v.Cols}
		if v.Rows == 1 { // biases are vectors in a state dict
			shape = []int{v.Cols}
		}
		out = append(out, namedTensor{name: p.Path, shape: shape, data: v.Data})
	}
	return out
}

// saveTensors writes tensors as a float32 safetensors file.
func saveTensors(path string, tensors []namedTensor) error {
	f := &safetensors.File{Metadata: map[string]string{"format": "pt"}, Tensors: map[string]safetensors.Tensor{}}
	for _, nt := range tensors {
		t, err := safetensors.FromFloat32(safetensors.F32, nt.shape, nt.data)
		if err != nil {
			return err
		}
		f.Tensors[nt.name] = t
	}
	return safetensors.WriteFile(path, f)
}

// saveSize writes tensors as by saveTensors and returns the file's size.
func saveSize(path string, tensors []namedTensor) (int64, error) {
	if err := saveTensors(path, tensors); err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// experiment holds every measurement: results[angle][method][seed].
type experiment struct {
	data           string
	methods        []method
	baseUpright    []float64
	baseRotated    map[float64][]float64
	results        map[float64][][]result
	fullModelBytes int64
	report         lora.Report // LoRA r = 8 as PEFT prints it
}

// runExperiment runs every seed, calling done after each with the results
// so far (a long run keeps what it measured if stopped).
func runExperiment(ctx context.Context, s settings, quick bool, dir string, done func(*experiment) error) (*experiment, error) {
	ms := methods(s.ranks)
	e := &experiment{methods: ms, baseRotated: map[float64][]float64{}, results: map[float64][][]result{}}
	for _, a := range s.angles {
		e.results[a] = make([][]result, len(ms))
	}
	total := int64(s.seeds * (s.pretrainEpochs + len(s.angles)*len(ms)*s.adaptEpochs))
	rep := progress.New("lora experiment", total, "epochs")
	defer rep.Done()
	for seed := uint64(1); seed <= uint64(s.seeds); seed++ {
		trainSet, test, name := datasets.MNISTOrDigits(seed, quick)
		if s.trainLimit > 0 && trainSet.N > s.trainLimit {
			trainSet = trainSet.Subset(seq(s.trainLimit))
		}
		e.data = name
		d := split{train: trainSet, test: test, rotated: map[float64][2]*datasets.Images{}}
		for _, a := range s.angles {
			d.rotated[a] = [2]*datasets.Images{trainSet.Rotated(a), test.Rotated(a)}
		}
		base := newMLP(trainSet.Dim(), seed)
		if _, err := train(ctx, base, trainSet, s.pretrainEpochs, s.batch, s.pretrainLR, seed, rep, fmt.Sprintf("seed %d, pretraining", seed)); err != nil {
			return nil, err
		}
		e.baseUpright = append(e.baseUpright, accuracy(base, test))
		if seed == 1 {
			var err error
			path := filepath.Join(dir, "base_model.safetensors")
			if e.fullModelBytes, err = saveSize(path, mlpTensors(base, func(string) bool { return true })); err != nil {
				return nil, err
			}
		}
		for _, a := range s.angles {
			e.baseRotated[a] = append(e.baseRotated[a], accuracy(base, d.rotated[a][1]))
			for i, m := range ms {
				r, err := adapt(ctx, base, m, a, d, s, seed, dir, rep)
				if err != nil {
					return nil, fmt.Errorf("seed %d, %v°, %s: %w", seed, a, m.name, err)
				}
				e.results[a][i] = append(e.results[a][i], r)
				if m.rank == 8 {
					e.report = lora.Report{Trainable: r.trainable, Total: r.total}
				}
			}
		}
		if err := done(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// label formats an angle for tables.
func label(a float64) string { return strconv.FormatFloat(a, 'f', -1, 64) + "°" }
