// Package cputime reads CPU time, the clock benchmark drivers use on a shared
// machine: time other processes take from the cores is not counted. Thread
// is the calling OS thread's time (lock the goroutine to its thread with
// runtime.LockOSThread and run the measured code on it, GOMAXPROCS=1);
// Process is the whole process's user + system time.
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
