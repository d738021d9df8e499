package stats

import "fmt"

// Method chooses how a rank test computes its p-value. The zero value,
// Auto, makes SciPy's choice.
type Method int

const (
	// Auto picks Exact or Asymptotic as SciPy 1.10 does for the test.
	Auto Method = iota
	// Exact enumerates the null distribution of the statistic.
	Exact
	// Asymptotic uses the normal approximation.
	Asymptotic
)

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Exact:
		return "exact"
	case Asymptotic:
		return "asymptotic"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

func (m Method) valid() error {
	if m < Auto || m > Asymptotic {
		return fmt.Errorf("%w: method %v", ErrArgument, m)
	}
	return nil
}
