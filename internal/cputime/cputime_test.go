package cputime

import (
	"runtime"
	"testing"
)

func TestThreadAdvancesWithWork(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread CPU time is only implemented on Linux")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := Thread()
	x := 0.0
	for i := range 20_000_000 {
		x += float64(i % 7)
	}
	if Thread() <= start || x == 0 {
		t.Fatalf("no CPU time counted: %v → %v", start, Thread())
	}
}
