// Package loadgen is an HTTP/1.1 load generator for the serving lessons and
// benchmarks: a closed loop (a fixed number of connections, each sending
// its next request as soon as the previous answer arrives) or an open loop
// (requests started on a fixed schedule, whatever the server does).
//
// Closed loops measure capacity but hide overload: a slow server slows the
// clients down with it. Open loops show what users see when arrivals do not
// wait, and latency is counted from each request's scheduled start, so time
// spent waiting for a free connection is included (no coordinated
// omission, Tene's term for the error of timing only from the actual send).
//
// Each connection writes a prebuilt request and parses the answer with
// net/http's reader, which keeps the generator's own cost per request low:
// on a shared machine it competes with the server for the same cores.
package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configure a run.
type Options struct {
	// URL is the http:// address to POST Body to.
	URL  string
	Body []byte
	// Header adds request headers; Content-Type is application/json
	// unless Header sets it.
	Header http.Header
	// Connections is the number of concurrent connections (0 → 1).
	Connections int
	// Rate > 0 selects the open loop: requests per second on a fixed
	// schedule. Zero is the closed loop.
	Rate float64
	// Duration is how long requests are started for (0 → 1 s).
	Duration time.Duration
	// Timeout bounds one request (0 → 10 s); a request past it is an error.
	Timeout time.Duration
}

// Result summarises a run. Latencies are of 200 answers only.
type Result struct {
	Requests int
	Codes    map[int]int
	// Errors are requests with no HTTP answer (refused, reset, timed out).
	Errors int
	// Missed counts open-loop requests never started because every
	// connection was still busy when the run ended.
	Missed  int
	Elapsed time.Duration
	// Throughput is 200 answers per second.
	Throughput float64
	// P50 … Max count from each request's scheduled start (open loop) or
	// its send (closed loop): what a client sees.
	P50, P95, P99, Max time.Duration
	// SentP50 and SentP99 count from the moment the request was written,
	// leaving out time spent waiting for a free connection: what the
	// server did. They equal P50 and P99 in a closed loop.
	SentP50, SentP99 time.Duration
	FirstError       error
}

// Run drives load until Duration has passed and every started request has
// finished or ctx ends.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Connections <= 0 {
		o.Connections = 1
	}
	if o.Duration <= 0 {
		o.Duration = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "http" {
		return Result{}, fmt.Errorf("loadgen: want an http:// URL, got %q", o.URL)
	}
	req := buildRequest(u, o.Header, o.Body)
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}

	start := time.Now()
	end := start.Add(o.Duration)
	var schedule chan time.Time
	if o.Rate > 0 {
		schedule = make(chan time.Time, o.Connections)
	}
	workers := make([]*worker, o.Connections)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{addr: host, req: req, timeout: o.Timeout, codes: map[int]int{}}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.close()
			if schedule == nil {
				for ctx.Err() == nil && time.Now().Before(end) {
					t := time.Now()
					w.do(t)
				}
				return
			}
			for t := range schedule {
				if ctx.Err() == nil {
					w.do(t)
				}
			}
		}()
	}
	missed := 0
	if schedule != nil {
		missed = dispatch(ctx, schedule, start, end, o.Rate)
		close(schedule)
	}
	wg.Wait()

	res := Result{Codes: map[int]int{}, Missed: missed, Elapsed: time.Since(start)}
	var lat, sent []time.Duration
	for _, w := range workers {
		for c, n := range w.codes {
			res.Codes[c] += n
			res.Requests += n
		}
		res.Errors += w.errors
		res.Requests += w.errors
		if res.FirstError == nil {
			res.FirstError = w.firstErr
		}
		lat = append(lat, w.latencies...)
		sent = append(sent, w.sentLatencies...)
	}
	slices.Sort(lat)
	slices.Sort(sent)
	res.SentP50, res.SentP99 = quantile(sent, 0.50), quantile(sent, 0.99)
	res.Throughput = float64(res.Codes[http.StatusOK]) / res.Elapsed.Seconds()
	res.P50, res.P95, res.P99 = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res, ctx.Err()
}

// dispatch hands out scheduled start times; a time that finds every
// connection busy and the queue full is still handed out (the worker counts
// its lateness as latency) unless the run ends first.
func dispatch(ctx context.Context, schedule chan<- time.Time, start, end time.Time, rate float64) (missed int) {
	interval := time.Duration(float64(time.Second) / rate)
	n := int(math.Ceil(float64(end.Sub(start)) / float64(interval)))
	stop := time.NewTimer(time.Until(end.Add(time.Second)))
	defer stop.Stop()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		select {
		case schedule <- at:
		case <-ctx.Done():
			return n - i
		case <-stop.C:
			return n - i
		}
	}
	return 0
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func buildRequest(u *url.URL, h http.Header, body []byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", u.RequestURI(), u.Host, len(body))
	if h.Get("Content-Type") == "" {
		b.WriteString("Content-Type: application/json\r\n")
	}
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	return append([]byte(b.String()), body...)
}

// worker is one connection and what it measured.
type worker struct {
	addr      string
	req       []byte
	timeout   time.Duration
	conn      net.Conn
	br        *bufio.Reader
	codes     map[int]int
	errors    int
	firstErr  error
	latencies []time.Duration
	// sentLatencies count from the write, latencies from the schedule.
	sentLatencies []time.Duration
}

// do sends one request whose latency counts from scheduled.
func (w *worker) do(scheduled time.Time) {
	sent := time.Now()
	code, err := w.roundTrip()
	if err != nil {
		w.close()
		w.errors++
		if w.firstErr == nil {
			w.firstErr = err
		}
		// A refused connection returns at once; do not spin on it.
		time.Sleep(time.Millisecond)
		return
	}
	w.codes[code]++
	if code == http.StatusOK {
		now := time.Now()
		w.latencies = append(w.latencies, now.Sub(scheduled))
		w.sentLatencies = append(w.sentLatencies, now.Sub(sent))
	}
}

func (w *worker) roundTrip() (int, error) {
	if w.conn == nil {
		c, err := net.DialTimeout("tcp", w.addr, w.timeout)
		if err != nil {
			return 0, err
		}
		w.conn, w.br = c, bufio.NewReaderSize(c, 64<<10)
	}
	w.conn.SetDeadline(time.Now().Add(w.timeout))
	if _, err := w.conn.Write(w.req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.Close {
		w.close()
	}
	return resp.StatusCode, nil
}

func (w *worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// ErrNoAnswers is returned by Check when a run got no 200 answers.
var ErrNoAnswers = errors.New("loadgen: no successful answers")

// Check returns ErrNoAnswers (with the first error seen) if r has no 200s.
func (r Result) Check() error {
	if r.Codes[http.StatusOK] == 0 {
		return fmt.Errorf("%w (codes %v, errors %d, first error %v)", ErrNoAnswers, r.Codes, r.Errors, r.FirstError)
	}
	return nil
}
