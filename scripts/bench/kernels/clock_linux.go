package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPUClock is the CPU time of the calling OS thread: time other
// processes take from this core is not counted.
func threadCPUClock() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}
