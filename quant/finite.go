package quant

import (
	"fmt"

	"github.com/mlprep/mlprep/internal/kernels"
)

// checkFinite returns an error wrapping ErrNonFinite naming the first NaN or
// ±Inf in x, or nil. It runs on every batch a quantised model sees, so the
// common case is one vectorised pass.
func checkFinite(what string, x []float32) error {
	if kernels.AllFinite(x) {
		return nil
	}
	for j, v := range x {
		if !finite(v) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrNonFinite, what, j, v)
		}
	}
	return nil
}
