package anomaly

import "errors"

// Sentinel errors. Functions wrap them with the row, column or value at
// fault; test with errors.Is.
var (
	// ErrEmpty reports data with no rows or no features.
	ErrEmpty = errors.New("anomaly: no samples")
	// ErrRagged reports rows of unequal length.
	ErrRagged = errors.New("anomaly: rows of unequal length")
	// ErrNonFinite reports a NaN or ±Inf feature value.
	ErrNonFinite = errors.New("anomaly: NaN or Inf feature value")
	// ErrFeatureCount reports data whose width differs from the fitted model's.
	ErrFeatureCount = errors.New("anomaly: feature count differs from the fitted model")
	// ErrParam reports an invalid hyper-parameter (contamination outside
	// (0, 0.5], negative sizes, a fraction outside (0, 1], …).
	ErrParam = errors.New("anomaly: invalid parameter")
	// ErrNotFitted reports a Forest with no trees: use IsolationForest.Fit,
	// ExtendedIsolationForest.Fit or ReadForest to make one.
	ErrNotFitted = errors.New("anomaly: forest not fitted")
	// ErrModel reports a saved model that does not decode to a valid forest.
	ErrModel = errors.New("anomaly: invalid saved model")
)
