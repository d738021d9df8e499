package cputime

import (
	"fmt"
	"runtime"
	"time"
)

// Clock returns the clock a benchmark driver's -clock flag names: "wall"
// (monotonic enough for intervals of milliseconds) or "cpu" (Thread, which
// needs GOMAXPROCS=1 so that the measured kernels run on the calling
// thread; Clock locks the goroutine to it).
func Clock(name string) (func() time.Duration, error) {
	switch name {
	case "wall":
		return func() time.Duration { return time.Duration(time.Now().UnixNano()) }, nil
	case "cpu":
		if runtime.GOMAXPROCS(0) != 1 {
			return nil, fmt.Errorf("cputime: -clock cpu needs GOMAXPROCS=1: the kernels must run on the calling thread")
		}
		runtime.LockOSThread()
		return Thread, nil
	}
	return nil, fmt.Errorf("cputime: unknown clock %q (want wall or cpu)", name)
}
