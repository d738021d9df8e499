package lora

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/internal/safetensors"
)

// The file names PEFT's save_pretrained writes and from_pretrained reads.
const (
	ConfigFile  = "adapter_config.json"
	WeightsFile = "adapter_model.safetensors"
)

// SaveOptions configures Model.Save. The zero value saves the active
// adapter in float32.
type SaveOptions struct {
	// Adapter names the adapter to save; empty means the active one.
	Adapter string
	// DType is the tensors' element type: "F32" (the default), "F16" or
	// "BF16". Half precision halves the file; the values are rounded.
	DType string
	// BaseModel is recorded as base_model_name_or_path.
	BaseModel string
}

// peftConfig is adapter_config.json as PEFT writes it. Fields PEFT has and
// this package does not support must hold their defaults on loading.
type peftConfig struct {
	PeftType          string          `json:"peft_type"`
	TaskType          *string         `json:"task_type"`
	BaseModel         *string         `json:"base_model_name_or_path"`
	Revision          *string         `json:"revision"`
	InferenceMode     bool            `json:"inference_mode"`
	R                 int             `json:"r"`
	Alpha             float64         `json:"lora_alpha"`
	Dropout           float64         `json:"lora_dropout"`
	TargetModules     json.RawMessage `json:"target_modules"`
	Bias              string          `json:"bias"`
	UseRSLoRA         bool            `json:"use_rslora"`
	UseDoRA           bool            `json:"use_dora"`
	FanInFanOut       bool            `json:"fan_in_fan_out"`
	InitLoraWeights   json.RawMessage `json:"init_lora_weights"`
	ModulesToSave     []string        `json:"modules_to_save"`
	LayersToTransform json.RawMessage `json:"layers_to_transform"`
	LayersPattern     json.RawMessage `json:"layers_pattern"`
	RankPattern       map[string]any  `json:"rank_pattern"`
	AlphaPattern      map[string]any  `json:"alpha_pattern"`
}

// Save writes an adapter in PEFT's format into dir (created if needed):
// adapter_config.json and adapter_model.safetensors, whose tensors are
// named "base_model.model.<module>.lora_A.weight" (r×in) and
// "….lora_B.weight" (out×r), the adapter name left out as PEFT does.
// PEFT's from_pretrained loads the result onto the same PyTorch model.
func (m *Model) Save(dir string, opts SaveOptions) error {
	name := cmp.Or(opts.Adapter, m.active)
	cfg, ok := m.configs[name]
	if !ok {
		return fmt.Errorf("%w: no adapter %q", ErrAdapter, name)
	}
	dtype := safetensors.DType(cmp.Or(opts.DType, string(safetensors.F32)))
	f := &safetensors.File{Metadata: map[string]string{"format": "pt"}, Tensors: map[string]safetensors.Tensor{}}
	for _, t := range m.layers {
		a := t.l.adapter(name)
		if a == nil {
			continue
		}
		for part, w := range map[string]*nn.Mat{"lora_A": a.a.W.Value, "lora_B": a.b.W.Value} {
			tensor, err := safetensors.FromFloat32(dtype, []int{w.Rows, w.Cols}, w.Data)
			if err != nil {
				return fmt.Errorf("lora: save: %w", err)
			}
			f.Tensors[weightKey(t.path, part)] = tensor
		}
	}
	weights, err := safetensors.Encode(f)
	if err != nil {
		return fmt.Errorf("lora: save: %w", err)
	}
	config, err := json.MarshalIndent(cfg.peft(opts.BaseModel), "", "  ")
	if err != nil {
		return fmt.Errorf("lora: save: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lora: save: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), append(config, '\n'), 0o644); err != nil {
		return fmt.Errorf("lora: save: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, WeightsFile), weights, 0o644); err != nil {
		return fmt.Errorf("lora: save: %w", err)
	}
	return nil
}

// peft returns c as PEFT writes it.
func (c Config) peft(baseModel string) peftConfig {
	p := peftConfig{
		PeftType:        "LORA",
		InferenceMode:   true,
		R:               c.R,
		Alpha:           c.Alpha,
		Dropout:         c.Dropout,
		Bias:            "none",
		UseRSLoRA:       c.RSLoRA,
		InitLoraWeights: json.RawMessage("true"),
		RankPattern:     map[string]any{},
		AlphaPattern:    map[string]any{},
	}
	if baseModel != "" {
		p.BaseModel = &baseModel
	}
	if c.TargetRegex != "" {
		p.TargetModules, _ = json.Marshal(c.TargetRegex)
	} else {
		// PEFT stores the list as a set, so its order carries no meaning.
		p.TargetModules, _ = json.Marshal(slices.Sorted(slices.Values(c.TargetModules)))
	}
	return p
}

// config checks a PEFT configuration and converts it, rejecting the PEFT
// features this package does not implement rather than ignoring them.
func (p peftConfig) config() (Config, error) {
	var c Config
	unsupported := func(what string) (Config, error) {
		return c, fmt.Errorf("%w: %s is not supported", ErrConfig, what)
	}
	switch {
	case p.PeftType != "LORA":
		return c, fmt.Errorf("%w: peft_type %q, want \"LORA\"", ErrConfig, p.PeftType)
	case p.R <= 0:
		return c, fmt.Errorf("%w: r = %d", ErrRank, p.R)
	case p.Bias != "none" && p.Bias != "":
		return unsupported(fmt.Sprintf("bias %q", p.Bias))
	case p.UseDoRA:
		return unsupported("use_dora")
	case p.FanInFanOut:
		return unsupported("fan_in_fan_out (Conv1D weights)")
	case len(p.ModulesToSave) > 0:
		return unsupported("modules_to_save")
	case len(p.RankPattern) > 0 || len(p.AlphaPattern) > 0:
		return unsupported("rank_pattern or alpha_pattern")
	case !isNull(p.LayersToTransform):
		return unsupported("layers_to_transform")
	}
	c = Config{R: p.R, Alpha: p.Alpha, Dropout: p.Dropout, RSLoRA: p.UseRSLoRA}
	if c.Alpha == 0 {
		return c, fmt.Errorf("%w: lora_alpha = 0", ErrConfig)
	}
	if err := json.Unmarshal(p.TargetModules, &c.TargetModules); err != nil {
		if err := json.Unmarshal(p.TargetModules, &c.TargetRegex); err != nil {
			return c, fmt.Errorf("%w: target_modules must be a list of names or a regex string", ErrConfig)
		}
	}
	return c, nil
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// Load reads a PEFT adapter directory and applies it to base as the
// adapter "default" (PEFT's PeftModel.from_pretrained). base is modified in
// place as by New. A file that does not fit the model returns an error
// wrapping ErrMismatch and leaves base unchanged.
func Load(base Module, dir string) (*Model, error) {
	cfg, weights, err := readAdapter(dir)
	if err != nil {
		return nil, err
	}
	return load(base, cfg, weights)
}

// load applies a decoded adapter to base as the adapter "default".
func load(base Module, cfg Config, weights *safetensors.File) (*Model, error) {
	var tensors map[string][]float32
	m, err := newModel(base, cfg, func(found []match) error {
		var err error
		tensors, err = checkWeights(weights, cfg, found)
		return err
	})
	if err != nil {
		return nil, err
	}
	m.setWeights(DefaultAdapter, tensors)
	return m, nil
}

// LoadAdapter reads a PEFT adapter directory and adds it as the adapter
// called name (PEFT's load_adapter). The active adapter does not change. On
// error the model is unchanged.
func (m *Model) LoadAdapter(dir, name string) error {
	cfg, weights, err := readAdapter(dir)
	if err != nil {
		return err
	}
	cfg, found, err := m.plan(name, cfg)
	if err != nil {
		return err
	}
	tensors, err := checkWeights(weights, cfg, found)
	if err != nil {
		return err
	}
	m.apply(name, cfg, found)
	m.setWeights(name, tensors)
	return nil
}

// readAdapter reads the two files of an adapter directory.
func readAdapter(dir string) (Config, *safetensors.File, error) {
	config, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return Config{}, nil, fmt.Errorf("lora: %w", err)
	}
	weights, err := os.ReadFile(filepath.Join(dir, WeightsFile))
	if err != nil {
		return Config{}, nil, fmt.Errorf("lora: %w", err)
	}
	return decodeAdapter(config, weights)
}

// decodeAdapter parses and checks an adapter's configuration and weights.
func decodeAdapter(config, weights []byte) (Config, *safetensors.File, error) {
	var p peftConfig
	if err := json.Unmarshal(config, &p); err != nil {
		return Config{}, nil, fmt.Errorf("%w: %s: %v", ErrConfig, ConfigFile, err)
	}
	cfg, err := p.config()
	if err != nil {
		return Config{}, nil, fmt.Errorf("%w (%s)", err, ConfigFile)
	}
	f, err := safetensors.Decode(weights)
	if err != nil {
		return Config{}, nil, fmt.Errorf("lora: %s: %w", WeightsFile, err)
	}
	return cfg, f, nil
}

// weightKey is the name PEFT gives a factor ("lora_A" or "lora_B") of the
// layer at path in an adapter file.
func weightKey(path, factor string) string {
	return basePrefix + "." + path + "." + factor + ".weight"
}

// checkWeights checks that an adapter file holds exactly the tensors of the
// planned adapter, with the right shapes and a float dtype, and returns
// them decoded.
func checkWeights(f *safetensors.File, cfg Config, found []match) (map[string][]float32, error) {
	want := map[string][2]int{}
	for _, t := range found {
		want[weightKey(t.path, "lora_A")] = [2]int{cfg.R, t.in}
		want[weightKey(t.path, "lora_B")] = [2]int{t.out, cfg.R}
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(f.Tensors)) {
		if _, ok := want[key]; !ok {
			errs = append(errs, fmt.Errorf("%w: the file has %q, which the model's targets do not", ErrMismatch, key))
		}
	}
	out := map[string][]float32{}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		shape := want[key]
		t, ok := f.Tensors[key]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%w: the file has no %q", ErrMismatch, key))
		case len(t.Shape) != 2 || t.Shape[0] != shape[0] || t.Shape[1] != shape[1]:
			errs = append(errs, fmt.Errorf("%w: %q has shape %v, the model needs %v", ErrMismatch, key, t.Shape, shape))
		default:
			x, err := t.Float32s()
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("lora: %q: %w", key, err))
			case slices.ContainsFunc(x, func(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) }):
				errs = append(errs, fmt.Errorf("%w: %q holds NaN or ±Inf", ErrMismatch, key))
			}
			out[key] = x
		}
	}
	return out, errors.Join(errs...)
}

// setWeights copies checked tensors into the adapter called name.
func (m *Model) setWeights(name string, tensors map[string][]float32) {
	for _, t := range m.layers {
		if a := t.l.adapter(name); a != nil {
			copy(a.a.W.Value.Data, tensors[weightKey(t.path, "lora_A")])
			copy(a.b.W.Value.Data, tensors[weightKey(t.path, "lora_B")])
		}
	}
}
