//go:build !linux

package cputime

// PeakRSS reports false: the peak resident set size is read from Linux's
// getrusage, whose unit other systems do not share.
func PeakRSS() (int64, bool) { return 0, false }
