package lanl

import "unsafe"

// prefetch asks the processor to bring the cache line at p in without
// waiting for it (PREFETCHT0): unlike a load, the instruction retires at
// once, so a group's misses all overlap instead of filling the reorder
// buffer behind the first one.
//
//go:noescape
func prefetch(p unsafe.Pointer)
