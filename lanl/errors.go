package lanl

import "errors"

// Sentinel errors. Errors returned by the package wrap one of these, so
// callers can test for them with errors.Is; the wrapping message names the
// file, line or value at fault.
var (
	// ErrMalformed: a line that does not parse, in strict mode.
	ErrMalformed = errors.New("lanl: malformed line")
	// ErrTooManyMalformed: more malformed lines than ReadOptions.MaxMalformed.
	ErrTooManyMalformed = errors.New("lanl: too many malformed lines")
	// ErrTruncated: the input ended inside a gzip stream, in strict mode.
	ErrTruncated = errors.New("lanl: truncated input")
	// ErrNoEvents: nothing to analyse (an empty file, or every line malformed).
	ErrNoEvents = errors.New("lanl: no events")
	// ErrDownload: a download failed its size or checksum check, or the
	// server answered with an unusable status.
	ErrDownload = errors.New("lanl: download")
	// ErrConfig: an option out of range.
	ErrConfig = errors.New("lanl: invalid configuration")
)
