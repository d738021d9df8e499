// Command 10_scalable_deployment_api serves models over the Open Inference
// Protocol v2 with dynamic batching and admission control, then loads the
// server from the same machine and reports what it sustains:
//
//  1. a concurrency sweep (closed loop: 1 … 64 connections) on a 256×256
//     linear + softmax model: throughput and p50/p95/p99;
//
//  2. dynamic batching on a 512×512 layer: batches of up to 64 rows
//     against batch size 1, same load, with JSON bodies and with the
//     binary tensor data extension (raw float32 bytes);
//
//  3. overload: an open loop at twice the measured capacity — the server
//     answers 429 beyond capacity and keeps the accepted requests fast;
//
//  4. a graceful drain under load: every accepted request is answered.
//
//     go run ./examples/10_scalable_deployment_api            # 2 s per load point
//     go run ./examples/10_scalable_deployment_api -quick     # ~0.25 s per point
//     go run ./examples/10_scalable_deployment_api -serve 127.0.0.1:18080   # serve until SIGTERM (for wrk)
//     go run ./examples/10_scalable_deployment_api -load 127.0.0.1:18080    # measure 1–3 against that server
//
// By default the server and the load generator share one process, and so
// the machine's cores: under overload they compete, which inflates the
// server's latencies. scripts/bench/cloud.sh runs -serve and -load as two
// processes pinned to different CPUs (taskset, GOMAXPROCS=1 each), the fair
// setup; the drain (4) needs the in-process server and runs only here.
//
// It writes latency.png (percentiles against connections) and
// throughput.png into -out. Everything runs on loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mlprep/mlprep/cloud"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/loadgen"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"gonum.org/v1/plot"
)

func main() {
	serve := flag.String("serve", "", "only serve the models on this address until SIGTERM")
	target := flag.String("load", "", "measure a server started with -serve at this host:port instead of an in-process one")
	opts := lesson.Parse()
	var err error
	if *serve != "" {
		err = serveUntilSignal(*serve)
	} else {
		err = run(opts, *target)
	}
	if err != nil {
		lesson.Fatal(err)
	}
}

// newServer loads the lesson's models: "linear" (batches of up to 64 rows,
// formed from whatever queued while the previous batch ran), and the wide
// layer batched ("wide") and one row at a time ("wide-b1").
func newServer(logger *slog.Logger, reg *prometheus.Registry) (*cloud.Server, error) {
	// The process's CPU time on /metrics lets a separate load generator
	// count server CPU per request.
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	s, err := cloud.NewServer(cloud.ServerOptions{Logger: logger, Registerer: reg, Gatherer: reg})
	if err != nil {
		return nil, err
	}
	lin := newLinearSoftmax(256, 10)
	wide := newWideLayer(11)
	linCfg := lin.config("linear", 64)
	// At most one batch queues behind the one running: 64 closed-loop
	// connections never see a 429, and under overload an accepted request
	// waits at most about one batch time before it runs.
	// (ModelConfig.MaxQueueWait would bound the wait in time instead; on a
	// machine shared with other busy processes, stalls of tens of
	// milliseconds make any fixed wait budget refuse requests at ordinary
	// load, so this lesson bounds rows.)
	linCfg.QueueCapacity = 64
	// The batching comparison admits everything on both sides (64
	// connections never queue more than 64 rows): only batching differs.
	wideCfg, wideB1 := wide.config("wide", 64), wide.config("wide-b1", 1)
	wideCfg.QueueCapacity, wideB1.QueueCapacity = 256, 256
	// Without a delay a free worker takes the first request alone: on one
	// core it runs as soon as that request is queued, before the next one
	// is even read, and batches stay at one row (measured: 1.0–1.1 rows at
	// 64 connections). Half a millisecond lets ~15 requests join.
	wideCfg.MaxQueueDelay = 500 * time.Microsecond
	for _, m := range []struct {
		cfg cloud.ModelConfig
		p   cloud.Predictor
	}{
		{linCfg, lin},
		{wideCfg, wide},
		{wideB1, wide},
	} {
		if err := s.Load(m.cfg, m.p); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func serveUntilSignal(addr string) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := newServer(logger, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return s.ListenAndServe(ctx, addr)
}

func run(opts *lesson.Options, target string) error {
	reg := prometheus.NewRegistry()
	var served chan error
	drain := func() {}
	if target == "" {
		s, err := newServer(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), reg)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		drain = cancel
		served = make(chan error, 1)
		go func() { served <- s.Serve(ctx, ln) }()
		target = ln.Addr().String()
		fmt.Println("server and load generator in one process (see -load for separate ones); CPU per request counts both")
	} else {
		fmt.Println("load generator for the server at", target)
	}
	base := "http://" + target + "/v2/models/"

	point := 2 * time.Second
	if opts.Quick {
		point = 250 * time.Millisecond
	}
	bg := context.Background()
	linBody := jsonRequest(256)

	// 1. Concurrency sweep.
	fmt.Println("1. closed loop on \"linear\" (256×256 matvec + softmax per row), loopback:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "connections\treq/s\tp50 ms\tp95 ms\tp99 ms\tnon-200\t")
	conns := []int{1, 4, 16, 64}
	var xs, rps, p50, p95, p99 []float64
	var capacity loadgen.Result
	for _, c := range conns {
		r, err := loadgen.Run(bg, loadgen.Options{URL: base + "linear/infer", Body: linBody, Connections: c, Duration: point})
		if err != nil {
			return err
		}
		if err := r.Check(); err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t\n", c, r.Throughput, ms(r.P50), ms(r.P95), ms(r.P99), r.Requests-r.Codes[http.StatusOK])
		xs, rps = append(xs, float64(c)), append(rps, r.Throughput)
		p50, p95, p99 = append(p50, ms(r.P50)), append(p95, ms(r.P95)), append(p99, ms(r.P99))
		capacity = r
	}
	tw.Flush()

	// 2. Dynamic batching on the wide layer, over JSON and over the binary
	// extension.
	rounds := 3
	if opts.Quick {
		rounds = 1
	}
	gains, cpuGains, err := batchingGains(bg, base, point, rounds)
	if err != nil {
		return err
	}
	model := newWideLayer(11)
	rows64, rows1 := rowsPerSecond(model, 64, point/2), rowsPerSecond(model, 1, point/2)
	fmt.Printf("the model alone (no HTTP, this process): %.0f rows/s in batches of 64, %.0f rows/s one at a time (%.1f×)\n", rows64, rows1, rows64/rows1)

	// 3. Overload: open loop at twice capacity.
	rate := 2 * capacity.Throughput
	fmt.Printf("\n3. open loop on \"linear\" at 2× capacity (%.0f req/s), 256 connections:\n", rate)
	c0 := scrape(base, "linear")
	light, err := loadgen.Run(bg, loadgen.Options{URL: base + "linear/infer", Body: linBody, Connections: 8, Rate: capacity.Throughput / 10, Duration: point})
	if err != nil {
		return err
	}
	c1 := scrape(base, "linear")
	cpu0 := processCPU()
	over, err := loadgen.Run(bg, loadgen.Options{URL: base + "linear/infer", Body: linBody, Connections: 256, Rate: rate, Duration: point})
	if err != nil {
		return err
	}
	genBusy := (processCPU() - cpu0).Seconds() / over.Elapsed.Seconds()
	c2 := scrape(base, "linear")
	fmt.Printf("   unloaded (open loop at 10%% capacity): p99 %.2f ms from send; inside the server p99 ≤ %.2f ms\n", ms(light.SentP99), ms(c1.p99Since(c0)))
	fmt.Printf("   overloaded: %d requests, 200: %d, 429: %d, other codes: %d, errors (no answer): %d, not sent in time: %d\n",
		over.Requests, over.Codes[200], over.Codes[429], over.Requests-over.Codes[200]-over.Codes[429]-over.Errors, over.Errors, over.Missed)
	fmt.Printf("   accepted: %.0f req/s; p99 from send %.2f ms (%.1f× unloaded), from schedule %.2f ms (includes waiting for a free connection); inside the server p99 ≤ %.2f ms\n",
		over.Throughput, ms(over.SentP99), ms(over.SentP99)/ms(light.SentP99), ms(over.P99), ms(c2.p99Since(c1)))
	// A generator that is itself out of CPU delays its own reads, and its
	// latencies are then partly its own.
	fmt.Printf("   this process used %.0f%% of a core during the overloaded run (GOMAXPROCS %d); the server used %.0f%%\n",
		100*genBusy, runtime.GOMAXPROCS(0), 100*(c2.cpu-c1.cpu)/over.Elapsed.Seconds())
	fmt.Printf("overload: unloaded p99 %.2f ms, accepted p99 %.2f ms, ratio %.2f, 200 %d, 429 %d, errors %d\n",
		ms(light.SentP99), ms(over.SentP99), ms(over.SentP99)/ms(light.SentP99), over.Codes[200], over.Codes[429], over.Errors)

	headline := func() {
		lesson.Headline("linear 256: %.0f req/s at 64 connections (p99 %.1f ms); batching %.1f× req/s, %.1f× per server CPU-second (binary) on a 512×512 layer; at 2× overload %.0f%% answered 429, accepted p99 %.1f× unloaded",
			capacity.Throughput, ms(capacity.P99), gains[1], cpuGains[1], 100*float64(over.Codes[429])/float64(max(over.Requests, 1)), ms(over.SentP99)/ms(light.SentP99))
	}
	if err := savePlots(opts, xs, rps, p50, p95, p99); err != nil {
		return err
	}
	if served == nil {
		fmt.Println("\n4. drain under load: needs the in-process server (run without -load)")
		headline()
		return nil
	}

	// 4. Graceful drain under load: the server's count of answers must
	// equal the answers the clients received.
	answeredBefore, err := serverAnswers(reg)
	if err != nil {
		return err
	}
	loadDone := make(chan loadgen.Result, 1)
	go func() {
		r, _ := loadgen.Run(bg, loadgen.Options{URL: base + "linear/infer", Body: linBody, Connections: 32, Duration: 3 * point})
		loadDone <- r
	}()
	time.Sleep(point)
	drain()
	if err := <-served; err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	during := <-loadDone
	answeredAfter, err := serverAnswers(reg)
	if err != nil {
		return err
	}
	received := during.Requests - during.Errors
	lost := int(answeredAfter-answeredBefore) - received
	fmt.Printf("\n4. drain under load: the server answered %d requests (%d × 200, %d × 429), the clients received %d: %d lost; %d connection attempts refused after the listener closed\n",
		int(answeredAfter-answeredBefore), during.Codes[200], during.Codes[429], received, lost, during.Errors)
	if lost != 0 {
		return fmt.Errorf("drain: %d answered requests never reached their client", lost)
	}
	headline()
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// rowsPerSecond calls the model directly with batches of the given size
// for about d: the ceiling that batching can reach once HTTP and JSON are
// paid for.
func rowsPerSecond(m *wideLayer, batch int, d time.Duration) float64 {
	x := make([]float32, batch*m.dim)
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	in := []cloud.Tensor{cloud.NewFP32("x", []int{batch, m.dim}, x)}
	rows := 0
	start := time.Now()
	for time.Since(start) < d {
		m.Predict(context.Background(), in)
		rows += batch
	}
	return float64(rows) / time.Since(start).Seconds()
}

func savePlots(opts *lesson.Options, xs, rps, p50, p95, p99 []float64) error {
	lat, err := plots.Lines("Latency against connections (closed loop, loopback)", "connections", "latency (ms)",
		plots.Series{Name: "p50", X: xs, Y: p50}, plots.Series{Name: "p95", X: xs, Y: p95}, plots.Series{Name: "p99", X: xs, Y: p99})
	if err != nil {
		return err
	}
	thr, err := plots.Lines("Throughput against connections", "connections", "requests per second",
		plots.Series{Name: "linear 256 + softmax", X: xs, Y: rps})
	if err != nil {
		return err
	}
	for name, p := range map[string]*plot.Plot{"latency.png": lat, "throughput.png": thr} {
		if err := opts.SavePlot(p, name); err != nil {
			return err
		}
	}
	return nil
}
