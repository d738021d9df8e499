//go:build !linux

// Package cputime reads CPU time for benchmark drivers; thread CPU time is
// only implemented on Linux.
package cputime

import "time"

// Thread panics: thread CPU time is only implemented on Linux.
func Thread() time.Duration { panic("cputime: thread CPU time is only implemented on Linux") }
