package quant

import "errors"

// Sentinel errors; test for them with errors.Is. Errors returned by the
// package wrap one of these with the detail (which value, which layer).
var (
	// ErrNonFinite reports NaN or ±Inf in data to quantise, observe or run.
	ErrNonFinite = errors.New("quant: NaN or Inf in input")
	// ErrNoData reports an observer asked for parameters before it saw any
	// value, or calibration without data.
	ErrNoData = errors.New("quant: no data observed")
	// ErrScheme reports an impossible quantisation scheme or parameters: an
	// integer range outside the type or without 0, a non-positive scale, a
	// zero point outside the range.
	ErrScheme = errors.New("quant: invalid quantisation scheme")
	// ErrUnsupported reports a model layer the converters cannot quantise.
	ErrUnsupported = errors.New("quant: unsupported layer")
	// ErrFormat reports a serialised model that is truncated, corrupt or
	// inconsistent.
	ErrFormat = errors.New("quant: invalid model encoding")
)
