package loadgen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClosedAndOpenLoops(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"x":1}` || r.Header.Get("X-Key") != "k" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if n.Add(1)%2 == 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	hdr := http.Header{"X-Key": {"k"}}

	closed, err := Run(context.Background(), Options{URL: srv.URL + "/p", Body: []byte(`{"x":1}`), Header: hdr, Connections: 3, Duration: 100 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, closed.Check())
	require.Equal(t, int(n.Load()), closed.Requests)
	require.InDelta(t, closed.Codes[200], closed.Codes[429], 1)
	require.LessOrEqual(t, closed.P50, closed.P99)

	n.Store(0)
	open, err := Run(context.Background(), Options{URL: srv.URL, Body: []byte(`{"x":1}`), Header: hdr, Connections: 4, Rate: 200, Duration: 200 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, 40, open.Requests+open.Missed, "200/s for 0.2 s")
	require.Zero(t, open.Errors)

	refused, _ := Run(context.Background(), Options{URL: "http://127.0.0.1:1/", Duration: 20 * time.Millisecond})
	require.ErrorIs(t, refused.Check(), ErrNoAnswers)
	require.Positive(t, refused.Errors)
}

func TestContentTypeDefaultsToJSONUnlessSet(t *testing.T) {
	got := make(chan []string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case got <- r.Header.Values("Content-Type"):
		default:
		}
	}))
	defer srv.Close()
	for _, c := range []struct {
		header http.Header
		want   string
	}{
		{nil, "application/json"},
		{http.Header{"Content-Type": {"application/octet-stream"}}, "application/octet-stream"},
	} {
		r, err := Run(context.Background(), Options{URL: srv.URL, Body: []byte("x"), Header: c.header, Duration: 10 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, r.Check())
		require.Equal(t, []string{c.want}, <-got)
		for len(got) > 0 {
			<-got
		}
	}
}
