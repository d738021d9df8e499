package lanl

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"
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
// machine it says more about cost than the wall clock. Zero where the system
// does not report it (the cpu-ns metrics then read 0).
func cpuNow() time.Duration {
	d, _ := cputime.Process()
	return d
}

// BenchmarkAnalyze measures the streaming pipeline after parsing: baseline,
// per-event scores, window bookkeeping and the windows' graph features, one
// event at a time and in prefetched batches, on 20,000 users.
func BenchmarkAnalyze(b *testing.B) {
	var buf bytes.Buffer
	if _, err := (Synth{Seed: 1, Lines: 1_000_000, Users: 20000, Computers: 24000, Days: 4, TrainDays: 1}).Generate(context.Background(), &buf, io.Discard); err != nil {
		b.Fatal(err)
	}
	var evs []Event
	r := NewAuthReader(bytes.NewReader(buf.Bytes()), NewDictionary(), ReadOptions{})
	for r.Next() {
		evs = append(evs, r.Event())
	}
	for _, batched := range []bool{false, true} {
		name := map[bool]string{false: "Observe", true: "ObserveBatch"}[batched]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuNow()
			for b.Loop() {
				a, _ := NewAnalyzer(Config{})
				if batched {
					a.ObserveBatch(evs)
				} else {
					for _, e := range evs {
						a.Observe(e)
					}
				}
				a.Finish()
			}
			b.ReportMetric(float64((cpuNow()-cpu).Nanoseconds())/float64(b.N*len(evs)), "cpu-ns/event")
		})
	}
}

// BenchmarkScore measures ranking one variant of incidents.
func BenchmarkScore(b *testing.B) {
	data := benchAuth(b, 300_000)
	an, err := Analyze(context.Background(), NewAuthReader(bytes.NewReader(data), NewDictionary(), ReadOptions{}), Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []Variant{VariantGraph, VariantFusion, VariantIsolationForest} {
		b.Run(v.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Score(context.Background(), an.Incidents, v, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPairTable compares the pipeline's pair table with a Go map on
// the same stream of (user, computer) pairs.
func BenchmarkPairTable(b *testing.B) {
	keys := make([][2]uint32, 1<<16)
	for i := range keys {
		keys[i] = [2]uint32{uint32(i*7919) % 20000, uint32(i*104729) % 3000}
	}
	b.Run("pairTable", func(b *testing.B) {
		var t pairTable
		i := 0
		for b.Loop() {
			k := keys[i&(len(keys)-1)]
			t.find(k[0], k[1])
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		m := map[uint64]uint32{}
		i := 0
		for b.Loop() {
			k := pairKey(keys[i&(len(keys)-1)][0], keys[i&(len(keys)-1)][1])
			if _, ok := m[k]; !ok {
				m[k] = uint32(len(m))
			}
			i++
		}
	})
}
