// Command kernels times internal/kernels against the peer timings written
// by scripts/bench/kernels.py (numpy/OpenBLAS and PyTorch, 2 threads) and
// prints the Markdown tables of BENCHMARKS.md; it also writes a PNG of the
// GEMM sweep. Run it through scripts/bench/kernels.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"

	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/plots"
)

func main() {
	peerPath := flag.String("peer", "", "JSON of peer timings from kernels.py")
	out := flag.String("out", "out", "directory for the PNG plot")
	repeats := flag.Int("repeats", 3, "rounds per measurement; the best is kept")
	clockName := flag.String("clock", "wall", "wall, or cpu: the thread's CPU time (needs GOMAXPROCS=1)")
	flag.Parse()
	now, err := cputime.Clock(*clockName)
	if err != nil {
		log.Fatal(err)
	}
	peer := map[string]any{}
	if *peerPath != "" {
		data, err := os.ReadFile(*peerPath)
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(data, &peer); err != nil {
			log.Fatalf("%s: %v", *peerPath, err)
		}
	}
	b := bench{repeats: *repeats, peer: peer, now: now}
	ghz := measureGHz()
	cores := runtime.GOMAXPROCS(0)
	// Zen 4/5 and Intel server cores issue two 512-bit FMAs per cycle.
	peak32 := float64(cores) * ghz * 2 * 16 * 2
	peak64, peak8 := peak32/2, peak32*4 // VPDPBUSD: 64 multiply-adds per 512-bit op
	fmt.Printf("clock: %s. kernels path: %s; GOMAXPROCS=%d, cores at ~%.2f GHz (measured); peak %.0f GFLOP/s float32, %.0f float64, %.0f GOP/s int8 (2 FMA/VNNI pipes × 512 bit)\n\n",
		*clockName, kernels.Selected(), cores, ghz, peak32, peak64, peak8)

	fmt.Println("| GEMM n×n×n | ours float32 GFLOP/s | numpy float32 | ratio | % of peak | ours float64 GFLOP/s | numpy float64 | ratio | % of peak |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	var sizes, our32, np32, our64, np64 []float64
	for _, n := range []int{64, 128, 256, 512, 1024, 2048} {
		flops := 2 * float64(n) * float64(n) * float64(n)
		s := b.time(sgemm(n, n, n, false))
		d := b.time(dgemm(n))
		ps, pd := b.peerTime(fmt.Sprintf("sgemm/%d", n)), b.peerTime(fmt.Sprintf("dgemm/%d", n))
		sizes = append(sizes, float64(n))
		our32, np32 = append(our32, flops/s/1e9), append(np32, flops/ps/1e9)
		our64, np64 = append(our64, flops/d/1e9), append(np64, flops/pd/1e9)
		fmt.Printf("| %d | %.1f | %.1f | %.2f | %.0f%% | %.1f | %.1f | %.2f | %.0f%% |\n", n,
			flops/s/1e9, flops/ps/1e9, ps/s, 100*flops/s/1e9/peak32,
			flops/d/1e9, flops/pd/1e9, pd/d, 100*flops/d/1e9/peak64)
	}

	lin := 2.0 * 64 * 1024 * 1024
	f32 := b.time(sgemm(64, 1024, 1024, true))
	i8 := b.time(int8Linear(false))
	dyn := b.time(int8Linear(true))
	gemv := b.time(sgemm(1, 1024, 1024, true))
	fmt.Println()
	fmt.Println("| kernel | shape | ours | peer | peer is | ours/peer |")
	fmt.Println("|---|---|---|---|---|---|")
	row := func(name, shape string, ops, ours, peer float64, who string) {
		fmt.Printf("| %s | %s | %.1f G/s (%.1f µs) | %.1f G/s (%.1f µs) | %s | %.2f |\n", name, shape, ops/ours/1e9, ours*1e6, ops/peer/1e9, peer*1e6, who, peer/ours)
	}
	row("float32 Linear x·Wᵀ", "64×1024 · (1024×1024)ᵀ", lin, f32, b.peerTime("linear_f32/64x1024x1024"), "numpy")
	row("int8 Linear, dynamic (quantize x, u8×s8 GEMM, dequantize)", "64×1024 · (1024×1024)ᵀ", lin, dyn, b.peerTime("int8_linear/64x1024x1024"), fmt.Sprintf("torch quantize_dynamic (%v)", peer["torch_quant_engine"]))
	row("int8 GEMM only (MulU8, packed W)", "64×1024 · (1024×1024)ᵀ", lin, i8, b.peerTime("int8_linear/64x1024x1024"), "torch quantize_dynamic")
	row("float32 GEMV (batch-1 Linear)", "1×1024 · (1024×1024)ᵀ", 2*1024*1024, gemv, b.peerTime("gemv_f32/1024"), "numpy")
	fmt.Printf("\nint8 dynamic Linear vs our float32 Linear on the same shape: %.2f× (GEMM only: %.2f×); int8 GEMM at %.0f%% of int8 peak\n", f32/dyn, f32/i8, 100*lin/i8/1e9/peak8)

	p, err := plots.Lines(fmt.Sprintf("GEMM n×n×n, GOMAXPROCS=%d, %s clock", cores, *clockName), "n", "GFLOP/s",
		plots.Series{Name: "kernels float32", X: sizes, Y: our32},
		plots.Series{Name: "numpy float32", X: sizes, Y: np32},
		plots.Series{Name: "kernels float64", X: sizes, Y: our64},
		plots.Series{Name: "numpy float64", X: sizes, Y: np64})
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(*out, "kernels_sweep.png")
	if err := plots.Save(p, path); err != nil {
		log.Fatal(err)
	}
	fmt.Println("\nplot:", path)
}

type bench struct {
	repeats int
	peer    map[string]any
	now     func() time.Duration
}

// time returns the best per-call time of f over the rounds, each round
// running enough calls to last about 50 ms.
func (b bench) time(f func()) float64 {
	f()
	calls := 1
	for {
		s := b.now()
		for range calls {
			f()
		}
		if b.now()-s > 50*time.Millisecond || calls >= 1<<16 {
			break
		}
		calls *= 2
	}
	best := math.Inf(1)
	for range b.repeats {
		s := b.now()
		for range calls {
			f()
		}
		best = min(best, (b.now()-s).Seconds()/float64(calls))
	}
	return best
}

func (b bench) peerTime(key string) float64 {
	v, ok := b.peer[key].(float64)
	if !ok {
		return math.NaN()
	}
	return v
}

func randFloats(n int, rng *rand.Rand) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// sgemm returns C = A·B (or A·Bᵀ, the Linear layout) for m×k and k×n operands.
func sgemm(m, n, k int, transB bool) func() {
	rng := rand.New(rand.NewPCG(1, 2))
	a, w, c := randFloats(m*k, rng), randFloats(k*n, rng), make([]float32, m*n)
	ldb := n
	if transB {
		ldb = k
	}
	return func() { kernels.Sgemm(false, transB, m, n, k, 1, a, k, w, ldb, 0, c, n) }
}

func dgemm(n int) func() {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	return func() { kernels.Dgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
}

// int8Linear is torch's dynamic quantised Linear on 64×1024 inputs: W is
// quantised once (per tensor, symmetric s8) and packed; each call quantises
// x (per tensor, asymmetric u8), multiplies in int32 and dequantises with
// the zero-point correction y = sx·sw·(C − zx·Σ_p W[j,p]) + bias. With
// dynamic false the call is the int8 GEMM alone.
func int8Linear(dynamic bool) func() {
	const m, n, k = 64, 1024, 1024
	rng := rand.New(rand.NewPCG(3, 4))
	x, w, bias := randFloats(m*k, rng), randFloats(n*k, rng), randFloats(n, rng)
	var wmax float32
	for _, v := range w {
		wmax = max(wmax, float32(math.Abs(float64(v))))
	}
	sw := wmax / 127
	qw := make([]int8, n*k)
	for i, v := range w {
		qw[i] = int8(math.Round(float64(v / sw)))
	}
	packed := kernels.PackS8(n, k, qw, k)
	qx := make([]uint8, m*k)
	acc := make([]int32, m*n)
	y := make([]float32, m*n)
	if !dynamic {
		return func() { packed.MulU8(m, qx, k, acc, n) }
	}
	offset, scale := make([]int32, n), make([]float32, n)
	return func() {
		lo, hi := kernels.MinMax(x)
		lo, hi = min(lo, 0), max(hi, 0) // the range must hold 0 exactly, as in torch
		sx := (hi - lo) / 255
		zx := int32(math.Round(float64(-lo / sx)))
		kernels.QuantizeU8(x, sx, zx, qx)
		packed.MulU8(m, qx, k, acc, n)
		for j, s := range packed.RowSums() {
			offset[j], scale[j] = -zx*s, sx*sw
		}
		kernels.Dequantize(m, n, acc, n, offset, scale, bias, y, n)
	}
}

// measureGHz estimates the core clock from a chain of dependent one-cycle
// integer operations (best of several runs, so a busy machine reads low
// rather than high).
func measureGHz() float64 {
	const n = 1 << 20
	best := math.Inf(1)
	for range 200 {
		s := time.Now()
		chain(n)
		best = min(best, time.Since(s).Seconds())
	}
	return 4 * n / best / 1e9
}

var sink uint64

//go:noinline
func chain(n int) {
	x := uint64(n)
	for i := range uint64(n) {
		x += i
		x ^= 0x55
		x += 3
		x ^= i
	}
	sink = x
}
