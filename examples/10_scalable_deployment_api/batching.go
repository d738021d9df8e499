package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/mlprep/mlprep/cloud"
	"github.com/mlprep/mlprep/internal/loadgen"
)

// batchingGains loads "wide" (batches of up to 64 rows) and "wide-b1"
// (one row per Predict) with 64 connections, alternating them for rounds
// rounds, once with JSON bodies and once with binary ones. For each
// encoding it returns the median over rounds of the per-round throughput
// ratio (the two sides ran seconds apart, under the same machine load) and
// of the ratio of requests per second of server CPU, which other processes
// on a shared machine distort much less.
func batchingGains(ctx context.Context, base string, point time.Duration, rounds int) (thr, cpu [2]float64, err error) {
	binBody, binLen := binaryRequest(512)
	encodings := []struct {
		name   string
		body   []byte
		header http.Header
	}{
		{"JSON", jsonRequest(512), nil},
		{"binary", binBody, http.Header{"Content-Type": {"application/octet-stream"}, cloud.HeaderContentLength: {strconv.Itoa(binLen)}}},
	}
	fmt.Printf("\n2. dynamic batching, \"wide\" (512×512 layer per row), 64 connections, %d round(s), sides alternated:\n", rounds)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "body\tround\tmax batch\treq/s\tp99 ms\tmean rows/batch\tserver CPU µs/req\t")
	for e, enc := range encodings {
		thrRatios, cpuRatios := make([]float64, rounds), make([]float64, rounds)
		for r := range rounds {
			var rps, cpuPerReq [2]float64
			for side, model := range []string{"wide", "wide-b1"} {
				before := scrape(base, model)
				x, err := loadgen.Run(ctx, loadgen.Options{URL: base + model + "/infer", Body: enc.body, Header: enc.header, Connections: 64, Duration: point})
				if err == nil {
					err = x.Check()
				}
				if err != nil {
					return thr, cpu, err
				}
				after := scrape(base, model)
				rows := (after.rows - before.rows) / max(after.batches-before.batches, 1)
				rps[side] = x.Throughput
				cpuPerReq[side] = (after.cpu - before.cpu) / float64(max(x.Codes[http.StatusOK], 1))
				fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.1f\t%.0f\t\n", enc.name, r+1, []int{64, 1}[side], x.Throughput, ms(x.P99), rows, cpuPerReq[side]*1e6)
			}
			thrRatios[r] = rps[0] / rps[1]
			cpuRatios[r] = cpuPerReq[1] / max(cpuPerReq[0], 1e-12)
		}
		thr[e], cpu[e] = median(thrRatios), median(cpuRatios)
	}
	tw.Flush()
	for e, enc := range encodings {
		fmt.Printf("batching gain with %s bodies (median of per-round ratios): %.2f× req/s, %.2f× requests per server CPU-second\n", enc.name, thr[e], cpu[e])
	}
	return thr, cpu, nil
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
