//go:build !amd64

package lanl

import "unsafe"

// prefetchSink keeps prefetch's load alive.
var prefetchSink byte

// prefetch loads the byte at p, so that its cache line is on its way
// before the dependent work needs it (amd64 uses a prefetch instruction).
func prefetch(p unsafe.Pointer) { prefetchSink ^= *(*byte)(p) }
