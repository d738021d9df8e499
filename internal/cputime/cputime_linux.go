// Package cputime reads the CPU time of the calling OS thread, the clock
// benchmark drivers use on a shared machine: time other processes take from
// the core is not counted. Lock the goroutine to its thread
// (runtime.LockOSThread) and run the measured code on it (GOMAXPROCS=1).
package cputime

import (
	"time"

	"golang.org/x/sys/unix"
)

// Thread returns the CPU time the calling OS thread has used.
func Thread() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}
