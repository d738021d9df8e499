//go:build unix

package cloud

import (
	"context"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestServeDrainsOnSIGTERM wires Serve to SIGTERM as a deployment would and
// delivers a real signal to the process while a request is in flight.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	s, err := NewServer(ServerOptions{Logger: quietLogger()})
	require.NoError(t, err)
	d := &doubler{gate: make(chan struct{}, 1), started: make(chan int, 1)}
	require.NoError(t, s.Load(doublerConfig("1"), d))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	inflight := make(chan int, 1)
	go func() {
		code, _, _ := post(t, "http://"+ln.Addr().String()+"/v2/models/double/infer", inferBody("", 1, 1))
		inflight <- code
	}()
	<-d.started
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	waitFor(t, "the drain to start", func() bool { return s.draining.Load() })
	waitFor(t, "the listener to close", func() bool {
		resp, err := http.Get("http://" + ln.Addr().String() + "/v2/health/live")
		if err == nil {
			resp.Body.Close()
		}
		return err != nil
	})
	d.gate <- struct{}{}
	require.Equal(t, http.StatusOK, <-inflight, "the request in flight is answered")
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
