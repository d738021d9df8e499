package cloud

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
)

// serveOnLoopback starts s.Serve on a loopback port and returns its base
// URL, the cancel that triggers the drain, and Serve's result.
func serveOnLoopback(t *testing.T, s *Server) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(cancel)
	return "http://" + ln.Addr().String(), cancel, done
}

// TestGracefulShutdownUnderLoadLosesNothing drains a server while clients
// keep sending, and checks that every request the server accepted was
// answered and that the clients received exactly those answers.
func TestGracefulShutdownUnderLoadLosesNothing(t *testing.T) {
	s, err := NewServer(ServerOptions{Logger: quietLogger()})
	require.NoError(t, err)
	cfg := doublerConfig("1")
	cfg.MaxQueueDelay = time.Millisecond
	slow := PredictorFunc(func(ctx context.Context, in []Tensor) ([]Tensor, error) {
		time.Sleep(2 * time.Millisecond) // keep the queue busy when the drain starts
		return (&doubler{}).Predict(ctx, in)
	})
	require.NoError(t, s.Load(cfg, slow))
	base, drain, served := serveOnLoopback(t, s)

	clients := 16
	if testing.Short() {
		clients = 8
	}
	var mu sync.Mutex
	codes := map[int]int{}
	refused := 0
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			for {
				resp, err := client.Post(base+"/v2/models/double/infer", "application/json", strings.NewReader(inferBody("", 2, 1)))
				mu.Lock()
				if err != nil {
					refused++ // never reached a handler: not accepted
					mu.Unlock()
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	waitFor(t, "load", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return codes[http.StatusOK] > 100
	})
	drain()
	select {
	case err := <-served:
		require.NoError(t, err, "Serve drains cleanly")
	case <-time.After(20 * time.Second):
		t.Fatal("drain did not finish")
	}
	wg.Wait()

	var m dto.Metric
	require.NoError(t, s.metrics.requests.WithLabelValues("double", "200").Write(&m))
	serverOK := int(m.GetCounter().GetValue())
	require.Equal(t, serverOK, codes[http.StatusOK], "every 200 the server wrote reached its client")
	for code, n := range codes {
		require.Equal(t, http.StatusOK, code, "%d answers with status %d", n, code)
	}
	require.Equal(t, clients, refused, "each client stops at its first refused connection")
	t.Logf("answered %d, refused %d after the drain", codes[http.StatusOK], refused)
}

func TestReadyTurns503WhileDraining(t *testing.T) {
	s, err := NewServer(ServerOptions{Logger: quietLogger()})
	require.NoError(t, err)
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	s.draining.Store(true)
	for _, path := range []string{"/v2/health/ready", "/v2/models/double/ready"} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, path)
	}
	require.NoError(t, s.closeAll(context.Background()))
}

// TestSlowClientsAreCutOff sends a request header that never ends and a
// body that never arrives (slowloris): the server closes both connections
// after its timeouts and keeps serving others.
func TestSlowClientsAreCutOff(t *testing.T) {
	s, err := NewServer(ServerOptions{Logger: quietLogger(), ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, s.Load(doublerConfig("1"), &doubler{}))
	base, _, _ := serveOnLoopback(t, s)
	addr := strings.TrimPrefix(base, "http://")

	for name, partial := range map[string]string{
		"header": "POST /v2/models/double/infer HTTP/1.1\r\nHost: x\r\nContent-Type: appl",
		"body":   "POST /v2/models/double/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inputs\":",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			_, err = conn.Write([]byte(partial))
			require.NoError(t, err)
			start := time.Now()
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			// The server may answer (400 for the unreadable body) before
			// closing; either way the connection ends well before our 5 s.
			_, err = io.Copy(io.Discard, bufio.NewReader(conn))
			require.NoError(t, err, "connection closed by the server")
			require.Less(t, time.Since(start), 3*time.Second)
		})
	}
	code, _, _ := post(t, base+"/v2/models/double/infer", inferBody("", 1, 1))
	require.Equal(t, http.StatusOK, code)
}
