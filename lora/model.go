package lora

import (
	"fmt"
	"slices"

	"github.com/mlprep/mlprep/internal/nn"
)

// DefaultAdapter is the name New gives the first adapter, as in PEFT.
const DefaultAdapter = "default"

// basePrefix is the path PEFT puts in front of the base model's module names
// (PeftModel.base_model is a LoraModel whose .model is the user's model).
const basePrefix = "base_model.model"

// Module is what New needs from a base model: its parameters, to freeze
// them, and its linear layers by PyTorch-style dotted names, to find the
// targets and put Linear layers in their place. Every nn.Container (such as
// nn.Sequential) is one, and so are attention's MultiHead, EncoderBlock and
// Tagger, which list their projections as "q_proj", "k_proj", "v_proj" and
// "out_proj" (see the package documentation). A child that is itself an
// nn.Container is searched too.
type Module interface {
	Params() []*nn.Param
	Children() []nn.Child
	// SetChild replaces the sub-layer called name and reports whether it
	// exists.
	SetChild(name string, l nn.Layer) bool
}

// Model is a base model with LoRA adapters on its target layers, PEFT's
// PeftModel. For a base model that is an nn.Layer it is an nn.Layer too:
// train it as any model, and only the active adapter's A and B change. Its
// one child is then the base model under the name "base_model.model", so
// nn.NamedParams gives PEFT's parameter names such as
// "base_model.model.0.lora_A.default.weight". Any other base model (an
// attention.Tagger, say) carries the adapters inside itself: run and train
// it with its own methods, and use the Model to switch, disable, merge and
// save the adapters.
type Model struct {
	root     Module
	layers   []target // every wrapped layer, in model order
	configs  map[string]Config
	names    []string // adapter names in the order they were added
	active   string
	disabled bool
}

// target is one wrapped layer and its dotted path in the base model.
type target struct {
	path string
	l    *Linear
}

// New freezes every parameter of base, replaces the Dense layers that
// cfg.TargetModules selects by Linear layers carrying an adapter called
// "default", and returns the adapted model (PEFT's get_peft_model). base is
// modified in place. Errors wrap ErrConfig, ErrRank or ErrNoTarget, and
// leave base unchanged.
func New(base Module, cfg Config) (*Model, error) {
	return newModel(base, cfg, nil)
}

// newModel is New with a check of the planned adapter (nil: none) run
// before base is changed.
func newModel(base Module, cfg Config, check func([]match) error) (*Model, error) {
	m := &Model{root: base, configs: map[string]Config{}}
	cfg, found, err := m.plan(DefaultAdapter, cfg)
	if err == nil && check != nil {
		err = check(found)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range base.Params() {
		p.Frozen = true
	}
	m.apply(DefaultAdapter, cfg, found)
	return m, m.SetAdapter(DefaultAdapter)
}

// AddAdapter adds another adapter called name with its own targets, rank
// and scaling (PEFT's add_adapter). The active adapter does not change; the
// new one starts frozen. On error the model is unchanged.
func (m *Model) AddAdapter(name string, cfg Config) error {
	cfg, found, err := m.plan(name, cfg)
	if err != nil {
		return err
	}
	m.apply(name, cfg, found)
	return nil
}

// match is a target layer found by plan: where it hangs and its size.
type match struct {
	parent  Module
	child   string
	path    string
	layer   nn.Layer // *nn.Dense, or *Linear when already wrapped
	in, out int
}

// plan checks cfg and name and finds the target layers without changing
// anything.
func (m *Model) plan(name string, cfg Config) (Config, []match, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return cfg, nil, err
	}
	if _, dup := m.configs[name]; dup || name == "" {
		return cfg, nil, fmt.Errorf("%w: name %q is empty or already in use", ErrAdapter, name)
	}
	var found []match
	var walk func(prefix string, c Module) error
	walk = func(prefix string, c Module) error {
		for _, ch := range c.Children() {
			path := prefix + ch.Name
			_, wrapped := ch.Layer.(*Linear)
			if cfg.targets(path) {
				f := match{parent: c, child: ch.Name, path: path, layer: ch.Layer}
				switch l := ch.Layer.(type) {
				case *nn.Dense:
					f.in, f.out = l.In(), l.Out()
				case *Linear:
					f.in, f.out = l.Base.In(), l.Base.Out()
				default:
					return fmt.Errorf("%w: %q is a %T; LoRA adapts Dense layers only", ErrNoTarget, path, ch.Layer)
				}
				if cfg.R > min(f.in, f.out) {
					return fmt.Errorf("%w: r = %d for %q, a %d→%d layer: want 1 ≤ r ≤ %d", ErrRank, cfg.R, path, f.in, f.out, min(f.in, f.out))
				}
				found = append(found, f)
				continue
			}
			if sub, ok := ch.Layer.(nn.Container); ok && !wrapped {
				if err := walk(path+".", sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("", m.root); err != nil {
		return cfg, nil, err
	}
	if len(found) == 0 {
		return cfg, nil, fmt.Errorf("%w: %s match no layer of the model", ErrNoTarget, cfg.targetString())
	}
	return cfg, found, nil
}

// apply adds the adapter planned by plan, wrapping Dense targets.
func (m *Model) apply(name string, cfg Config, found []match) {
	for _, f := range found {
		lin, wrapped := f.layer.(*Linear)
		if !wrapped {
			lin = &Linear{Base: f.layer.(*nn.Dense), disabled: m.disabled}
			f.parent.SetChild(f.child, lin)
			m.layers = append(m.layers, target{f.path, lin})
		}
		if err := lin.AddAdapter(name, cfg); err != nil {
			panic("lora: planned adapter rejected: " + err.Error())
		}
	}
	m.configs[name] = cfg
	m.names = append(m.names, name)
}

// SetAdapter makes name the active adapter on every layer (PEFT's
// set_adapter): the one Forward adds and the only trainable one. Layers the
// adapter does not target run their base weights. A merged adapter is
// unmerged first.
func (m *Model) SetAdapter(name string) error {
	if _, ok := m.configs[name]; !ok {
		return fmt.Errorf("%w: no adapter %q (have %v)", ErrAdapter, name, m.names)
	}
	for _, t := range m.layers {
		t.l.setActive(t.l.adapter(name))
	}
	m.active = name
	return nil
}

// ActiveAdapter returns the active adapter's name.
func (m *Model) ActiveAdapter() string { return m.active }

// Adapters returns the adapters' names in the order they were added.
func (m *Model) Adapters() []string { return slices.Clone(m.names) }

// Config returns the configuration of the adapter called name, with PEFT's
// defaults filled in.
func (m *Model) Config(name string) (Config, bool) {
	c, ok := m.configs[name]
	return c, ok
}

// DisableAdapters makes the model compute exactly the base model (PEFT's
// disable_adapter), unmerging first; EnableAdapters turns the active adapter
// back on.
func (m *Model) DisableAdapters() {
	m.disabled = true
	for _, t := range m.layers {
		t.l.setDisabled(true)
	}
}

// EnableAdapters undoes DisableAdapters.
func (m *Model) EnableAdapters() {
	m.disabled = false
	for _, t := range m.layers {
		t.l.setDisabled(false)
	}
}

// Merge folds the active adapter into the base weights of every layer it
// targets (see Linear.Merge).
func (m *Model) Merge() {
	for _, t := range m.layers {
		t.l.Merge()
	}
}

// Unmerge takes merged adapters out of the base weights again.
func (m *Model) Unmerge() {
	for _, t := range m.layers {
		t.l.Unmerge()
	}
}

// layer returns the base model as an nn.Layer, and panics if it is not one.
func (m *Model) layer() nn.Layer {
	l, ok := m.root.(nn.Layer)
	if !ok {
		panic(fmt.Sprintf("lora: the base model %T is not an nn.Layer: run it with its own methods, which use the adapters", m.root))
	}
	return l
}

// Forward runs the adapted model. It panics if the base model is not an
// nn.Layer.
func (m *Model) Forward(x *nn.Mat, train bool) *nn.Mat { return m.layer().Forward(x, train) }

// Backward runs the adapted model's backward pass; only the active
// adapter's parameters receive gradients. It panics if the base model is
// not an nn.Layer.
func (m *Model) Backward(dy *nn.Mat) *nn.Mat { return m.layer().Backward(dy) }

// BackwardParams runs the backward pass for parameter gradients only, skipping
// the input gradient of the first layer (what training needs).
func (m *Model) BackwardParams(dy *nn.Mat) { nn.BackwardParams(m.layer(), dy) }

// Params returns every parameter, base and adapters, frozen ones included.
func (m *Model) Params() []*nn.Param { return m.root.Params() }

// Children returns the base model under PEFT's name "base_model.model" if
// it is an nn.Layer, and nothing otherwise.
func (m *Model) Children() []nn.Child {
	if l, ok := m.root.(nn.Layer); ok {
		return []nn.Child{{Name: basePrefix, Layer: l}}
	}
	return nil
}

// SetChild reports false: the base model is fixed at New.
func (m *Model) SetChild(string, nn.Layer) bool { return false }
