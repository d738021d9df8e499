package cloud

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// blockFirstBatch loads a gated doubler and starts one request that
// occupies its only instance, returning the model, the batcher and a
// channel that yields that request's status.
func blockFirstBatch(t *testing.T, s *Server, url string, cfg ModelConfig) (*doubler, *batcher, chan int) {
	d := &doubler{gate: make(chan struct{}, 64), started: make(chan int, 64)}
	require.NoError(t, s.Load(cfg, d))
	b, err := s.lookup(cfg.Name, "")
	require.NoError(t, err)
	first := make(chan int, 1)
	go func() {
		code, _, _ := post(t, url, inferBody("first", 1, 0))
		first <- code
	}()
	require.Equal(t, 1, <-d.started)
	return d, b, first
}

func TestDynamicBatchingGroupsQueuedRequests(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	url := hs.URL + "/v2/models/double/infer"
	d, b, first := blockFirstBatch(t, s, url, doublerConfig("1"))

	// Eight single-row requests queue behind the running batch...
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := float32(100 * i)
			code, out, _ := post(t, url, inferBody(strconv.Itoa(i), 1, start))
			if code != http.StatusOK {
				errs <- fmt.Errorf("request %d: %d %v", i, code, out)
				return
			}
			// ...and each gets its own rows back.
			y := out["outputs"].([]any)[0].(map[string]any)["data"].([]any)
			if y[0].(float64) != float64(2*start) || out["id"] != strconv.Itoa(i) {
				errs <- fmt.Errorf("request %d got %v", i, out)
			}
		}()
	}
	waitFor(t, "8 queued rows", func() bool { return b.queuedRows.Load() == 8 })
	d.gate <- struct{}{}
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, 8, <-d.started, "the eight queued requests run as one batch")
	d.gate <- struct{}{}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.Equal(t, []int{1, 8}, d.batches)
}

func TestMaxQueueDelayWaitsForABatch(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	cfg := doublerConfig("1")
	cfg.MaxBatchSize = 4
	cfg.MaxQueueDelay = time.Hour // only a full batch runs
	d := &doubler{}
	require.NoError(t, s.Load(cfg, d))
	url := hs.URL + "/v2/models/double/infer"
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, _ := post(t, url, inferBody("", 1, float32(i)))
			require.Equal(t, http.StatusOK, code)
		}()
	}
	wg.Wait()
	require.Equal(t, []int{4}, d.batches)
}

func TestQueueFullIs429WithRetryAfter(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	cfg := doublerConfig("1")
	cfg.MaxBatchSize, cfg.QueueCapacity = 2, 4
	url := hs.URL + "/v2/models/double/infer"
	d, b, first := blockFirstBatch(t, s, url, cfg)

	accepted := make(chan int, 4)
	for range 4 {
		go func() {
			code, _, _ := post(t, url, inferBody("", 1, 1))
			accepted <- code
		}()
	}
	waitFor(t, "a full queue", func() bool { return b.queuedRows.Load() == 4 })
	code, out, hdr := post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusTooManyRequests, code)
	require.Contains(t, out["error"], "queue full")
	ra, err := strconv.Atoi(hdr.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, ra, 1)

	for range 3 {
		d.gate <- struct{}{}
	}
	require.Equal(t, http.StatusOK, <-first)
	for range 4 {
		require.Equal(t, http.StatusOK, <-accepted, "every admitted request is answered")
	}
	require.Equal(t, 5, d.rowsRun())
}

func TestDeadlinePassedInQueueIs504AndNeverRuns(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	url := hs.URL + "/v2/models/double/infer"
	d, _, first := blockFirstBatch(t, s, url, doublerConfig("1"))

	start := time.Now()
	code, out, _ := post(t, url, `{"parameters":{"timeout":50000},"inputs":[{"name":"x","shape":[3,4],"datatype":"FP32","data":[1,2,3,4,1,2,3,4,1,2,3,4]}]}`)
	require.Equal(t, http.StatusGatewayTimeout, code)
	require.Contains(t, out["error"], "still queued")
	require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	d.gate <- struct{}{}
	require.Equal(t, http.StatusOK, <-first)
	// A later request runs alone: the expired three rows were never started.
	d.gate <- struct{}{}
	code, _, _ = post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []int{1, 1}, d.batches)
}

func TestVersionSwitchDropsNothing(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	url := hs.URL + "/v2/models/double/infer"
	var stop atomic.Bool
	var ok, bad atomic.Int64
	versions := sync.Map{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				code, out, _ := post(t, url, inferBody("", 1, 1))
				if code == http.StatusOK {
					ok.Add(1)
					versions.Store(out["model_version"], true)
				} else {
					bad.Add(1)
				}
			}
		}()
	}
	waitFor(t, "traffic on version 1", func() bool { return ok.Load() > 20 })
	require.NoError(t, s.Load(doublerConfig("2"), &doubler{}))
	require.NoError(t, s.Unload(context.Background(), "double", "1"))
	before := ok.Load()
	waitFor(t, "traffic on version 2", func() bool { return ok.Load() > before+20 })
	stop.Store(true)
	wg.Wait()
	require.Zero(t, bad.Load())
	_, v2 := versions.Load("2")
	require.True(t, v2)
	code, out, _ := post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "2", out["model_version"])
	code, _, _ = post(t, hs.URL+"/v2/models/double/versions/1/infer", inferBody("", 1, 1))
	require.Equal(t, http.StatusNotFound, code)
}

func TestMaxQueueWaitRefusesWhileTheQueueIsSlow(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	cfg := doublerConfig("1")
	cfg.MaxQueueWait = 30 * time.Millisecond
	url := hs.URL + "/v2/models/double/infer"
	d, b, first := blockFirstBatch(t, s, url, cfg)

	queued := make(chan int, 1)
	go func() {
		code, _, _ := post(t, url, inferBody("", 1, 1))
		queued <- code
	}()
	waitFor(t, "a queued request", func() bool { return b.queuedRows.Load() == 1 })
	time.Sleep(40 * time.Millisecond) // the queued request has now waited too long
	code, out, hdr := post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusTooManyRequests, code, out)
	require.NotEmpty(t, hdr.Get("Retry-After"))

	for range 2 {
		d.gate <- struct{}{}
	}
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, http.StatusOK, <-queued)
	require.Zero(t, b.oldest.Load(), "an empty queue has no oldest request")
	d.gate <- struct{}{}
	code, _, _ = post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code, "admission reopens once the queue drains")
}

func TestMaxInFlightRefusesWhileTheQueueIsShort(t *testing.T) {
	s, hs := newTestServer(t, ServerOptions{})
	cfg := doublerConfig("1")
	cfg.MaxBatchSize, cfg.QueueCapacity, cfg.MaxInFlight = 1, 8, 2
	url := hs.URL + "/v2/models/double/infer"
	d, b, first := blockFirstBatch(t, s, url, cfg)

	second := make(chan int, 1)
	go func() {
		code, _, _ := post(t, url, inferBody("", 1, 1))
		second <- code
	}()
	waitFor(t, "the second request queued", func() bool { return b.queuedRows.Load() == 1 })
	// One row queued of eight allowed, but two requests are in flight.
	code, out, hdr := post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusTooManyRequests, code)
	require.Contains(t, out["error"], "MaxInFlight")
	require.NotEmpty(t, hdr.Get("Retry-After"))

	d.gate <- struct{}{}
	d.gate <- struct{}{}
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, http.StatusOK, <-second)
	waitFor(t, "both released", func() bool { return b.inFlight.Load() == 0 })
	d.gate <- struct{}{}
	code, _, _ = post(t, url, inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code, "admission reopens once answers are written")
}
