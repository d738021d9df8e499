//go:build !linux

package main

import (
	"log"
	"time"
)

func threadCPUClock() time.Duration {
	log.Fatal("-clock cpu is only implemented on Linux")
	return 0
}
