package cputime

import "syscall"

// PeakRSS returns the process's peak resident set size in bytes (Linux's
// ru_maxrss, which it reports in KiB), and false where it is not known.
func PeakRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Maxrss << 10, true
}
