package stats

import (
	"errors"
	"fmt"
	"math"
)

// Alternative is the alternative hypothesis of a test. The zero value is
// TwoSided, as in SciPy.
type Alternative int

const (
	// TwoSided: the effect may go either way ("two-sided").
	TwoSided Alternative = iota
	// Less: the first sample's location is below the second's, or below the
	// hypothesised value ("less").
	Less
	// Greater: the first sample's location is above ("greater").
	Greater
)

func (a Alternative) String() string {
	switch a {
	case TwoSided:
		return "two-sided"
	case Less:
		return "less"
	case Greater:
		return "greater"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

func (a Alternative) valid() error {
	if a < TwoSided || a > Greater {
		return fmt.Errorf("%w: alternative %v", ErrArgument, a)
	}
	return nil
}

// Interval is a confidence interval for Estimate at confidence Level.
// One-sided intervals have an infinite end. The zero Interval (Level 0)
// means the procedure gives none.
type Interval struct {
	Low, High float64
	Level     float64
}

// Result is what a hypothesis test returns.
type Result struct {
	// Statistic is the test statistic in SciPy's convention (t, U of the
	// first sample, Wilcoxon's T, χ², r, …).
	Statistic float64
	// PValue is the probability under the null hypothesis of a statistic at
	// least as extreme, in the direction of the alternative.
	PValue float64
	// DF is the degrees of freedom of the reference distribution, or NaN.
	DF float64
	// Z is the standardised statistic when the p-value comes from a normal
	// approximation, else NaN.
	Z float64
	// Estimate is the quantity CI brackets (a mean, a mean difference, r),
	// or NaN when there is no interval.
	Estimate float64
	CI       Interval
	// Method says how the p-value was computed: "exact", "asymptotic",
	// "t", "chi-square", …
	Method string
	// Defined is false when the statistic is undefined for this data (zero
	// variance, constant input); Statistic and PValue are then NaN and
	// Reason says why.
	Defined bool
	Reason  string
}

// undefined returns a Result whose statistic cannot be computed.
func undefined(method, reason string) Result {
	nan := math.NaN()
	return Result{Statistic: nan, PValue: nan, DF: nan, Z: nan, Estimate: nan, Method: method, Reason: reason}
}

// Errors returned for input no test can use. They are wrapped with details;
// test for them with errors.Is.
var (
	// ErrEmpty: a sample is empty or too small for the procedure.
	ErrEmpty = errors.New("stats: sample too small")
	// ErrLength: samples that must be paired have different lengths.
	ErrLength = errors.New("stats: mismatched lengths")
	// ErrNaN: the data contain NaN or ±Inf.
	ErrNaN = errors.New("stats: NaN or infinite value")
	// ErrArgument: an option or argument is out of range.
	ErrArgument = errors.New("stats: invalid argument")
)

// checkFinite rejects an empty sample or one with NaN or ±Inf.
func checkFinite(name string, x []float64, min int) error {
	if len(x) < min {
		return fmt.Errorf("%w: %s has %d values, need at least %d", ErrEmpty, name, len(x), min)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrNaN, name, i, v)
		}
	}
	return nil
}

// checkPaired validates two paired samples.
func checkPaired(x, y []float64, min int) error {
	if len(x) != len(y) {
		return fmt.Errorf("%w: x has %d values, y has %d", ErrLength, len(x), len(y))
	}
	if err := checkFinite("x", x, min); err != nil {
		return err
	}
	return checkFinite("y", y, min)
}

// confidence returns the confidence level, 0.95 for the zero value.
func confidence(level float64) (float64, error) {
	if level == 0 {
		return 0.95, nil
	}
	if !(level > 0 && level < 1) {
		return 0, fmt.Errorf("%w: confidence level %v, need (0, 1)", ErrArgument, level)
	}
	return level, nil
}
