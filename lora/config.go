package lora

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
)

// Errors returned by this package, wrapped with the details.
var (
	// ErrRank: a rank outside [1, min(in, out)] of a target layer.
	ErrRank = errors.New("lora: invalid rank")
	// ErrConfig: an invalid or unsupported adapter configuration.
	ErrConfig = errors.New("lora: invalid config")
	// ErrNoTarget: the target modules match no layer, or match a layer
	// that is not a Dense.
	ErrNoTarget = errors.New("lora: target modules")
	// ErrAdapter: an unknown adapter name, or one already in use.
	ErrAdapter = errors.New("lora: adapter")
	// ErrMismatch: an adapter file whose tensors do not fit the model.
	ErrMismatch = errors.New("lora: adapter does not match the model")
)

// Config is an adapter's configuration, PEFT's LoraConfig. The zero value
// with TargetModules set is PEFT's default adapter: r = 8, α = 8, no dropout.
type Config struct {
	// R is the rank r: A is r×in and B is out×r. Zero means PEFT's default, 8.
	// It must not exceed min(in, out) of any target layer.
	R int
	// Alpha is lora_alpha. Zero means PEFT's default, 8.
	Alpha float64
	// Dropout is lora_dropout, applied to the input of the LoRA branch only,
	// in [0, 1).
	Dropout float64
	// TargetModules names the layers to adapt, PEFT's list form: a layer
	// whose dotted path equals an entry or ends with "." + entry.
	TargetModules []string
	// TargetRegex, if set instead, selects the layers whose whole dotted
	// path matches it (PEFT's string form of target_modules).
	TargetRegex string
	// RSLoRA scales the update by α/√r instead of α/r (use_rslora), which
	// keeps the update's size stable as r grows (Kalajdzievski 2023).
	RSLoRA bool
	// Rand initialises A and draws the dropout masks; nil means a generator
	// seeded with 0.
	Rand *rand.Rand
}

// withDefaults fills PEFT's defaults and checks what does not depend on the
// model.
func (c Config) withDefaults() (Config, error) {
	if c.R == 0 {
		c.R = 8
	}
	if c.Alpha == 0 {
		c.Alpha = 8
	}
	if c.Rand == nil {
		c.Rand = rand.New(rand.NewPCG(0, 0x9e3779b97f4a7c15))
	}
	switch {
	case c.R < 0:
		return c, fmt.Errorf("%w: r = %d", ErrRank, c.R)
	case c.Alpha < 0 || math.IsNaN(c.Alpha) || math.IsInf(c.Alpha, 0):
		return c, fmt.Errorf("%w: lora_alpha = %v", ErrConfig, c.Alpha)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return c, fmt.Errorf("%w: lora_dropout = %v, want [0, 1)", ErrConfig, c.Dropout)
	case len(c.TargetModules) == 0 && c.TargetRegex == "":
		return c, fmt.Errorf("%w: no target modules", ErrConfig)
	case len(c.TargetModules) > 0 && c.TargetRegex != "":
		return c, fmt.Errorf("%w: both a target list and a target regex", ErrConfig)
	}
	if c.TargetRegex != "" {
		if _, err := regexp.Compile(c.TargetRegex); err != nil {
			return c, fmt.Errorf("%w: target regex: %v", ErrConfig, err)
		}
	}
	return c, nil
}

// Scaling is the factor of the update BA: α/r, or α/√r with RSLoRA.
func (c Config) Scaling() float64 {
	c, _ = c.withDefaults()
	if c.RSLoRA {
		return c.Alpha / math.Sqrt(float64(c.R))
	}
	return c.Alpha / float64(c.R)
}

// targets reports whether the layer at the dotted path is a target, with
// PEFT's matching rules: the regex must match the whole path; a list entry
// must equal the path or be its last dotted components.
func (c Config) targets(path string) bool {
	if c.TargetRegex != "" {
		return regexp.MustCompile(`^(?:` + c.TargetRegex + `)$`).MatchString(path)
	}
	for _, t := range c.TargetModules {
		if path == t || strings.HasSuffix(path, "."+t) {
			return true
		}
	}
	return false
}

// targetString describes the targets for error messages.
func (c Config) targetString() string {
	if c.TargetRegex != "" {
		return fmt.Sprintf("target regex %q", c.TargetRegex)
	}
	return fmt.Sprintf("target modules %q", c.TargetModules)
}
