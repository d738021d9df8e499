// Command quant times package quant's int8 Linear against this library's
// float32 Linear (internal/nn Dense) and against the PyTorch timings written
// by scripts/bench/quant.py, and prints the Markdown table of BENCHMARKS.md.
// Run it through scripts/bench/quant.sh.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"
	"github.com/mlprep/mlprep/internal/kernels"
	"github.com/mlprep/mlprep/internal/nn"
	"github.com/mlprep/mlprep/quant"
)

func main() {
	peerPath := flag.String("peer", "", "JSON of peer timings from quant.py")
	repeats := flag.Int("repeats", 5, "rounds per measurement; the best is kept")
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
	rng := nn.NewRand(1)
	model := &nn.Sequential{Layers: []nn.Layer{nn.NewDense(1024, 1024, rng)}}
	x := nn.NewMat(64, 1024)
	nn.Uniform(x, -1, 1, rng)
	dyn, err := quant.QuantizeDynamic(model, quant.DynamicOptions{})
	if err != nil {
		log.Fatal(err)
	}
	static, err := quant.QuantizeStatic(context.Background(), model, x, quant.StaticOptions{})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Printf("clock: %s, GOMAXPROCS=%d, kernels path %s; peer: torch %v, quantized engine %v\n\n",
		*clockName, runtime.GOMAXPROCS(0), kernels.Selected(), peer["torch"], peer["engine"])
	fmt.Println("| Linear 1024→1024 | ours float32 (nn.Dense) | ours int8 dynamic | ours int8 static | torch float32 | torch int8 dynamic | int8 dynamic vs our float32 | ours/torch int8 dynamic throughput |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, batch := range []int{1, 64} {
		xb := nn.MatFrom(batch, 1024, x.Data[:batch*1024])
		f := best(now, *repeats, func() { model.Forward(xb, false) })
		d := best(now, *repeats, func() { must(dyn.Forward(xb)) })
		s := best(now, *repeats, func() { must(static.Forward(xb)) })
		tf, td := peerTime(peer, fmt.Sprintf("float32/%d", batch)), peerTime(peer, fmt.Sprintf("int8_dynamic/%d", batch))
		fmt.Printf("| batch %d | %s | %s | %s | %s | %s | %.2f× | %.2f |\n", batch,
			us(f), us(d), us(s), us(tf), us(td), f/d, td/d)
	}
}

func must(_ *nn.Mat, err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func us(seconds float64) string { return fmt.Sprintf("%.1f µs", seconds*1e6) }

// best returns the best per-call time of f in seconds over the rounds, each
// round running enough calls to last about 50 ms.
func best(now func() time.Duration, rounds int, f func()) float64 {
	f()
	calls := 1
	for {
		s := now()
		for range calls {
			f()
		}
		if now()-s > 50*time.Millisecond || calls >= 1<<16 {
			break
		}
		calls *= 2
	}
	out := math.Inf(1)
	for range rounds {
		s := now()
		for range calls {
			f()
		}
		out = min(out, (now()-s).Seconds()/float64(calls))
	}
	return out
}

func peerTime(peer map[string]any, key string) float64 {
	v, ok := peer[key].(float64)
	if !ok {
		return math.NaN()
	}
	return v
}
