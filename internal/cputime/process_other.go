//go:build !unix

package cputime

import "time"

// Process reports false: process CPU time is read with getrusage, which only
// Unix systems have.
func Process() (time.Duration, bool) { return 0, false }
