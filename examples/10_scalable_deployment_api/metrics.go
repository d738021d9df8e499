package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
	promodel "github.com/prometheus/common/model"
)

// serverCounters are cumulative counters read from the server's /metrics.
type serverCounters struct {
	batches, rows float64 // Predict calls and rows of one model
	cpu           float64 // the server process's CPU seconds
	// bounds and counts are the model's latency histogram (200s, from the
	// handler's start to its answer): cumulative counts per upper bound.
	bounds, counts []float64
}

// p99Since is the upper bound of the histogram bucket holding the 99th
// percentile of the answers between before and c (0 if none).
func (c serverCounters) p99Since(before serverCounters) time.Duration {
	if len(c.counts) == 0 {
		return 0
	}
	base := func(i int) float64 {
		if i < len(before.counts) {
			return before.counts[i]
		}
		return 0
	}
	total := c.counts[len(c.counts)-1] - base(len(c.counts)-1)
	for i, n := range c.counts {
		if n-base(i) >= 0.99*total {
			return time.Duration(c.bounds[i] * 1e9)
		}
	}
	return 0
}

// scrape reads a model's batch counters and the process CPU time from the
// server's /metrics; what cannot be read stays zero (and the table shows it).
func scrape(base, model string) serverCounters {
	var c serverCounters
	resp, err := http.Get(strings.TrimSuffix(base, "/v2/models/") + "/metrics")
	if err != nil {
		return c
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(promodel.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return c
	}
	for _, m := range families["process_cpu_seconds_total"].GetMetric() {
		c.cpu = m.GetCounter().GetValue()
	}
	for _, m := range families["mlprep_inference_request_duration_seconds"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "model" && l.GetValue() == model {
				for _, b := range m.GetHistogram().GetBucket() {
					c.bounds = append(c.bounds, b.GetUpperBound())
					c.counts = append(c.counts, float64(b.GetCumulativeCount()))
				}
			}
		}
	}
	for _, m := range families["mlprep_inference_batch_rows"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "model" && l.GetValue() == model {
				c.batches, c.rows = float64(m.GetHistogram().GetSampleCount()), m.GetHistogram().GetSampleSum()
			}
		}
	}
	return c
}

// processCPU is this process's CPU time so far, as Prometheus's process
// collector reads it (0 where it cannot).
func processCPU() time.Duration {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return 0
	}
	families, err := reg.Gather()
	if err != nil {
		return 0
	}
	for _, f := range families {
		if f.GetName() == "process_cpu_seconds_total" && len(f.GetMetric()) > 0 {
			return time.Duration(f.GetMetric()[0].GetCounter().GetValue() * 1e9)
		}
	}
	return 0
}

// serverAnswers sums the server's count of answered inference requests.
func serverAnswers(reg *prometheus.Registry) (float64, error) {
	families, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() == "mlprep_inference_requests_total" {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total, nil
}
