package lora

import (
	"fmt"
	"math"
	"slices"

	"github.com/mlprep/mlprep/internal/nn"
)

// Linear is a Dense layer with LoRA adapters, PEFT's lora.Linear:
//
//	y = x W₀ᵀ + b + s · (dropout(x) Aᵀ) Bᵀ,   s = α/r (or α/√r)
//
// W₀ and b stay frozen; only the active adapter's A (r×in) and B (out×r)
// are trainable. Its sub-layers are named as in PEFT, "base_layer",
// "lora_A.<adapter>" and "lora_B.<adapter>", so nn.NamedParams gives PEFT's
// parameter names.
type Linear struct {
	// Base is the wrapped layer; its parameters are frozen.
	Base *nn.Dense

	adapters []*adapter
	active   *adapter // nil when no adapter applies to this layer
	disabled bool
	merged   *adapter // the adapter folded into Base.W, if any
	used     *adapter // the adapter the last Forward ran
}

// adapter is one named pair of low-rank factors with its scaling.
type adapter struct {
	name    string
	cfg     Config
	a, b    *nn.Dense // A: in→r, B: r→out, both without bias
	scaling float32
	dropout *nn.Dropout // nil when lora_dropout is 0
}

// NewLinear wraps base with one adapter called name, initialised as PEFT
// does: A ~ Kaiming-uniform(a = √5), B = 0, so the layer starts out equal to
// base. It freezes base's parameters. It returns an error wrapping ErrRank if
// cfg.R is not in [1, min(in, out)].
func NewLinear(base *nn.Dense, name string, cfg Config) (*Linear, error) {
	base.W.Frozen = true
	if base.B != nil {
		base.B.Frozen = true
	}
	l := &Linear{Base: base}
	if err := l.AddAdapter(name, cfg); err != nil {
		return nil, err
	}
	if err := l.SetAdapter(name); err != nil {
		return nil, err
	}
	return l, nil
}

// AddAdapter adds another adapter called name. It does not change which
// adapter is active, and the new one starts frozen.
func (l *Linear) AddAdapter(name string, cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if name == "" || l.adapter(name) != nil {
		return fmt.Errorf("%w: name %q is empty or already in use", ErrAdapter, name)
	}
	in, out := l.Base.In(), l.Base.Out()
	if cfg.R > min(in, out) {
		return fmt.Errorf("%w: r = %d for a %d→%d layer, want 1 ≤ r ≤ %d", ErrRank, cfg.R, in, out, min(in, out))
	}
	a := nn.NewMat(cfg.R, in)
	nn.KaimingUniform(a, in, math.Sqrt(5), cfg.Rand)
	ad := &adapter{
		name:    name,
		cfg:     cfg,
		a:       &nn.Dense{W: nn.NewParam("weight", a)},
		b:       &nn.Dense{W: nn.NewParam("weight", nn.NewMat(out, cfg.R))},
		scaling: float32(cfg.Scaling()),
	}
	ad.a.W.Frozen, ad.b.W.Frozen = true, true
	if cfg.Dropout > 0 {
		ad.dropout = nn.NewDropout(cfg.Dropout, cfg.Rand)
	}
	l.adapters = append(l.adapters, ad)
	return nil
}

func (l *Linear) adapter(name string) *adapter {
	for _, a := range l.adapters {
		if a.name == name {
			return a
		}
	}
	return nil
}

// SetAdapter makes name the active adapter: the one Forward adds and the
// only one whose A and B are trainable. It unmerges a merged adapter first.
func (l *Linear) SetAdapter(name string) error {
	a := l.adapter(name)
	if a == nil {
		return fmt.Errorf("%w: no adapter %q on this layer", ErrAdapter, name)
	}
	l.setActive(a)
	return nil
}

// setActive activates a (nil: none) and freezes every other adapter.
func (l *Linear) setActive(a *adapter) {
	if l.merged != nil && l.merged != a {
		l.Unmerge()
	}
	l.active = a
	for _, o := range l.adapters {
		o.a.W.Frozen, o.b.W.Frozen = o != a, o != a
	}
}

// setDisabled turns the LoRA branch off (Forward is then the base layer's)
// or back on. Disabling unmerges, as PEFT does.
func (l *Linear) setDisabled(off bool) {
	if off {
		l.Unmerge()
	}
	l.disabled = off
}

// delta returns s·B·A, the active adapter's update of W₀ (out×in).
func (a *adapter) delta() *nn.Mat {
	d := nn.NewMat(a.b.W.Value.Rows, a.a.W.Value.Cols)
	nn.Gemm(false, false, a.scaling, a.b.W.Value, a.a.W.Value, 0, d)
	return d
}

// Merge folds the active adapter into the base weight, W₀ ← W₀ + s·B·A, so
// inference costs one matrix product. Forward then skips the LoRA branch and
// A and B get no gradient until Unmerge. It does nothing when no adapter is
// active, the adapters are disabled, or the adapter is already merged.
func (l *Linear) Merge() {
	if l.active == nil || l.disabled || l.merged != nil {
		return
	}
	w := l.Base.W.Value.Data
	for i, v := range l.active.delta().Data {
		w[i] += v
	}
	l.merged = l.active
}

// Unmerge takes the merged adapter out of the base weight again,
// W₀ ← W₀ − s·B·A, restoring W₀ up to float32 rounding.
func (l *Linear) Unmerge() {
	if l.merged == nil {
		return
	}
	w := l.Base.W.Value.Data
	for i, v := range l.merged.delta().Data {
		w[i] -= v
	}
	l.merged = nil
}

// Forward returns the base layer's output plus the active adapter's scaled
// low-rank update (none when disabled or merged).
func (l *Linear) Forward(x *nn.Mat, train bool) *nn.Mat {
	y := l.Base.Forward(x, train)
	l.used = nil
	a := l.active
	if a == nil || l.disabled || l.merged == a {
		return y
	}
	l.used = a
	in := x
	if a.dropout != nil {
		in = a.dropout.Forward(x, train)
	}
	z := a.b.Forward(a.a.Forward(in, train), train)
	for i, v := range z.Data {
		y.Data[i] += a.scaling * v
	}
	return y
}

// Backward returns dL/dx and adds dL/dA and dL/dB into the active adapter's
// gradients: with h = dropout(x) Aᵀ and g = s·dy, dB = gᵀh and
// dA = (g B)ᵀ dropout(x). W₀ and b get none.
func (l *Linear) Backward(dy *nn.Mat) *nn.Mat {
	dx := l.Base.Backward(dy)
	if dIn := l.backwardAdapter(dy, true); dIn != nil {
		for i, v := range dIn.Data {
			dx.Data[i] += v
		}
	}
	return dx
}

// BackwardParams adds the gradients of the base's unfrozen parameters and of
// the active adapter without computing dL/dx, which saves two products when
// the layer is the first of a model in training.
func (l *Linear) BackwardParams(dy *nn.Mat) {
	l.Base.BackwardParams(dy)
	l.backwardAdapter(dy, false)
}

// backwardAdapter adds the active adapter's gradients and, if withInput, returns
// its contribution to dL/dx (nil when no adapter is active).
func (l *Linear) backwardAdapter(dy *nn.Mat, withInput bool) *nn.Mat {
	a := l.used
	if a == nil {
		return nil
	}
	g := nn.NewMat(dy.Rows, dy.Cols)
	for i, v := range dy.Data {
		g.Data[i] = a.scaling * v
	}
	dh := a.b.Backward(g)
	if !withInput {
		a.a.BackwardParams(dh)
		return nil
	}
	dIn := a.a.Backward(dh)
	if a.dropout != nil {
		dIn = a.dropout.Backward(dIn)
	}
	return dIn
}

// Params returns W₀, b, then every adapter's A and B (all A's, then all
// B's, PEFT's order). Only the active adapter's are not frozen.
func (l *Linear) Params() []*nn.Param {
	ps := slices.Clone(l.Base.Params())
	for _, a := range l.adapters {
		ps = append(ps, a.a.W)
	}
	for _, a := range l.adapters {
		ps = append(ps, a.b.W)
	}
	return ps
}

// Children names the sub-layers as PEFT does: "base_layer",
// "lora_A.<adapter>"…, "lora_B.<adapter>"….
func (l *Linear) Children() []nn.Child {
	cs := []nn.Child{{Name: "base_layer", Layer: l.Base}}
	for _, a := range l.adapters {
		cs = append(cs, nn.Child{Name: "lora_A." + a.name, Layer: a.a})
	}
	for _, a := range l.adapters {
		cs = append(cs, nn.Child{Name: "lora_B." + a.name, Layer: a.b})
	}
	return cs
}

// SetChild reports false: a Linear's parts are not replaceable.
func (l *Linear) SetChild(string, nn.Layer) bool { return false }
