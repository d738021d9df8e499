package lanl

import (
	"bytes"
	"context"
	"io"
	"syscall"
	"testing"
	"time"
)

// benchAuth generates a small data set once per benchmark.
func benchAuth(b *testing.B, lines int64) []byte {
	b.Helper()
	var buf bytes.Buffer
	if _, err := (Synth{Seed: 1, Lines: lines, Users: 2000, Computers: 2500, Days: 7}).Generate(context.Background(), &buf, io.Discard); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkAuthReader measures parsing and interning; after the first pass
// every name is known, so the steady state must report 0 allocs/op.
func BenchmarkAuthReader(b *testing.B) {
	data := benchAuth(b, 200_000)
	d := NewDictionary()
	lines := int64(bytes.Count(data, []byte{'\n'}))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int64
	cpu := cpuNow()
	for b.Loop() {
		r := NewAuthReader(bytes.NewReader(data), d, ReadOptions{})
		for r.Next() {
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/line")
	b.ReportMetric(float64((cpuNow()-cpu).Nanoseconds())/float64(n), "cpu-ns/line")
	b.ReportMetric(float64(lines), "lines/op")
}

// cpuNow is the CPU time (user + system) of the process so far: on a shared
// machine it says more about cost than the wall clock.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
