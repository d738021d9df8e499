package cloud

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// serverMetrics are the server's Prometheus collectors. Labels carry only
// names of loaded models (and "" for requests that named none), never raw
// URL parts, so a scan of random paths cannot grow the label space.
type serverMetrics struct {
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	queueDepth *prometheus.GaugeVec
	batchSize  *prometheus.HistogramVec
}

func newServerMetrics(reg prometheus.Registerer) (*serverMetrics, error) {
	m := &serverMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlprep_inference_requests_total",
			Help: "Inference requests answered, by model and HTTP status code.",
		}, []string{"model", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mlprep_inference_request_duration_seconds",
			Help:    "Time from reading an inference request to writing its answer, by model.",
			Buckets: prometheus.ExponentialBuckets(50e-6, 2, 18),
		}, []string{"model"}),
		queueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mlprep_inference_queue_rows",
			Help: "Rows waiting in a model version's queue.",
		}, []string{"model", "version"}),
		batchSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mlprep_inference_batch_rows",
			Help:    "Rows per Predict call, by model.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}, []string{"model"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.queueDepth, m.batchSize} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// modelMetrics are one model version's handles, looked up once at load so
// that the hot path does not hash label values.
type modelMetrics struct {
	ok         prometheus.Counter
	latency    prometheus.Observer
	queueDepth prometheus.Gauge
	batchSize  prometheus.Observer
}

func (m *serverMetrics) forModel(name, version string) modelMetrics {
	return modelMetrics{
		ok:         m.requests.WithLabelValues(name, "200"),
		latency:    m.latency.WithLabelValues(name),
		queueDepth: m.queueDepth.WithLabelValues(name, version),
		batchSize:  m.batchSize.WithLabelValues(name),
	}
}

func (m *serverMetrics) count(model string, code int) {
	m.requests.WithLabelValues(model, strconv.Itoa(code)).Inc()
}
