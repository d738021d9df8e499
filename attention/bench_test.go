package attention_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mlprep/mlprep/internal/cputime"

	"github.com/mlprep/mlprep/attention"
	"github.com/mlprep/mlprep/internal/nn"
	"gorgonia.org/tensor"
)

// BenchmarkMultiHeadForward is the BENCHMARKS.md shape: batch 8, d_model 512,
// 8 heads, self-attention without weights (PyTorch's need_weights=False).
func BenchmarkMultiHeadForward(b *testing.B) {
	for _, kernel := range []attention.Kernel{attention.TiledKernel, attention.PlainKernel} {
		for _, n := range []int{128, 512, 1024} {
			b.Run(fmt.Sprintf("kernel=%s/seq=%d", kernelName(kernel), n), func(b *testing.B) {
				m, xs := benchInputs(512, 8, 1, 8, n)
				x := xs[0]
				opt := attention.Options{Kernel: kernel}
				loopReportingCPU(b, func() { m.Forward(x, x, x, attention.Mask{}, opt) })
			})
		}
	}
}

// loopReportingCPU runs f in the benchmark loop and also reports the CPU
// time per operation (all threads) as cpu-ms/op: on a shared machine, wall
// time measures the neighbours as much as the code.
func loopReportingCPU(b *testing.B, f func()) {
	start, ok := cputime.Process()
	for b.Loop() {
		f()
	}
	if end, ok2 := cputime.Process(); ok && ok2 {
		b.ReportMetric(float64(end-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func kernelName(k attention.Kernel) string {
	return map[attention.Kernel]string{attention.AutoKernel: "auto", attention.PlainKernel: "plain", attention.TiledKernel: "tiled"}[k]
}

// BenchmarkLongSequence is one forward pass of batch 1, d_model 512, 8 heads
// at sequence length 8192 with the memory-efficient kernel. It reports the
// process's peak resident set (VmHWM) as peak-RSS-MiB; run it alone in a
// fresh process (scripts/bench/attention.sh does) for that figure to mean
// anything.
func BenchmarkLongSequence(b *testing.B) {
	m, xs := benchInputs(512, 8, 1, 1, 8192)
	x := xs[0]
	opt := attention.Options{Kernel: attention.TiledKernel}
	loopReportingCPU(b, func() { m.Forward(x, x, x, attention.Mask{}, opt) })
	if kib, ok := peakRSSKiB(); ok {
		b.ReportMetric(float64(kib)/1024, "peak-RSS-MiB")
	}
}

// peakRSSKiB reads VmHWM, the peak resident set size, from /proc (Linux).
func peakRSSKiB() (int, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kib, err == nil
		}
	}
	return 0, false
}

// benchInputs returns a module of width e with h heads and n random
// (batch, length, e) tensors.
func benchInputs(e, h int, n int, batch, length int) (*attention.MultiHead, []*tensor.Dense) {
	rng := nn.NewRand(1)
	m := attention.NewMultiHead(attention.Config{EmbedDim: e, NumHeads: h}, rng)
	xs := make([]*tensor.Dense, n)
	for i := range xs {
		xs[i] = randTensor(rng, batch, length, e)
	}
	return m, xs
}

func BenchmarkMultiHeadTrainingStep(b *testing.B) {
	m, xs := benchInputs(256, 4, 2, 8, 128)
	x, dy := xs[0], xs[1]
	for b.Loop() {
		m.Forward(x, x, x, attention.Mask{Causal: true}, attention.Options{ForBackward: true})
		m.Backward(dy)
	}
}

// BenchmarkDecodeStep is one token of incremental decoding against 1024 and
// more cached positions (batch 8, d_model 512, 8 heads): each iteration
// appends a token, so the cache grows by b.N positions.
func BenchmarkDecodeStep(b *testing.B) {
	m, xs := benchInputs(512, 8, 1, 8, 1023)
	prompt := xs[0]
	token := randTensor(nn.NewRand(2), 8, 1, 512)
	cache := m.NewCache(8)
	m.Decode(prompt, cache)
	for b.Loop() {
		m.Decode(token, cache)
	}
}

func BenchmarkTaggerEpoch(b *testing.B) {
	rng := nn.NewRand(1)
	x, y := attention.ReverseDigits(1000, 10, rng)
	m := attention.NewTagger(attention.TaggerConfig{Vocab: 10, Classes: 10, EmbedDim: 32, NumHeads: 2, FFDim: 64, Layers: 1}, rng)
	for b.Loop() {
		if _, err := m.Fit(b.Context(), x, y, attention.FitOptions{Epochs: 1, BatchSize: 32, LR: 3e-3}); err != nil {
			b.Fatal(err)
		}
	}
}
