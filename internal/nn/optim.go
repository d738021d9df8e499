package nn

import "math"

// Optimizer updates parameters from their gradients. Frozen parameters are
// skipped. State (momentum, moments) is kept per Param.
type Optimizer interface {
	Step(params []*Param)
}

// SGD is stochastic gradient descent with torch.optim.SGD's update:
// g ← grad + wd·θ; v ← μ·v + (1−dampening)·g (v = g on the first step);
// θ ← θ − lr·(Nesterov ? g + μ·v : v).
type SGD struct {
	LR, Momentum, Dampening, WeightDecay float64
	Nesterov                             bool
	velocity                             map[*Param][]float32
}

// Step applies one update.
func (o *SGD) Step(params []*Param) {
	if o.velocity == nil {
		o.velocity = map[*Param][]float32{}
	}
	lr, mu, wd, damp := float32(o.LR), float32(o.Momentum), float32(o.WeightDecay), float32(o.Dampening)
	for _, p := range params {
		if p.Frozen {
			continue
		}
		w, g := p.Value.Data, p.Grad.Data
		if o.Momentum == 0 {
			for i := range w {
				w[i] -= lr * (g[i] + wd*w[i])
			}
			continue
		}
		v, seen := o.velocity[p]
		if !seen {
			v = make([]float32, len(w))
			o.velocity[p] = v
		}
		for i := range w {
			gi := g[i] + wd*w[i]
			if seen {
				v[i] = mu*v[i] + (1-damp)*gi
			} else {
				v[i] = gi
			}
			if o.Nesterov {
				w[i] -= lr * (gi + mu*v[i])
			} else {
				w[i] -= lr * v[i]
			}
		}
	}
}

// Adam is torch.optim.Adam (L2 weight decay added to the gradient) or, with
// Decoupled set, torch.optim.AdamW (θ ← θ·(1 − lr·wd) before the Adam step).
// Use NewAdam or NewAdamW for PyTorch's defaults.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	Decoupled                          bool
	t                                  map[*Param]int
	m, v                               map[*Param][]float32
}

// NewAdam returns Adam with PyTorch's defaults (β = 0.9, 0.999; ε = 1e-8).
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// NewAdamW returns AdamW with PyTorch's defaults and decoupled weight decay wd.
func NewAdamW(lr, wd float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: wd, Decoupled: true}
}

// Step applies one update. Each parameter keeps its own step count, so a
// parameter first trained late (a newly attached adapter) gets the correct
// bias correction.
func (o *Adam) Step(params []*Param) {
	if o.m == nil {
		o.t, o.m, o.v = map[*Param]int{}, map[*Param][]float32{}, map[*Param][]float32{}
	}
	b1, b2 := o.Beta1, o.Beta2
	for _, p := range params {
		if p.Frozen {
			continue
		}
		w, g := p.Value.Data, p.Grad.Data
		m, ok := o.m[p]
		if !ok {
			m = make([]float32, len(w))
			o.m[p], o.v[p] = m, make([]float32, len(w))
		}
		v := o.v[p]
		o.t[p]++
		t := float64(o.t[p])
		c1 := 1 - math.Pow(b1, t)
		c2 := math.Sqrt(1 - math.Pow(b2, t))
		step := float32(o.LR / c1)
		eps := float32(o.Eps)
		decay := float32(1 - o.LR*o.WeightDecay)
		wd := float32(o.WeightDecay)
		fb1, fb2 := float32(b1), float32(b2)
		for i := range w {
			gi := g[i]
			if o.Decoupled {
				w[i] *= decay
			} else if wd != 0 {
				gi += wd * w[i]
			}
			m[i] = fb1*m[i] + (1-fb1)*gi
			v[i] = fb2*v[i] + (1-fb2)*gi*gi
			w[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))/float32(c2) + eps)
		}
	}
}
