package lanl

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fileServer serves content with Range support (http.ServeContent); when
// cutFirst is set, the first response is cut off after half the body, as a
// dropped connection would be. It records the Range headers it saw.
type fileServer struct {
	content  []byte
	cutFirst bool
	noRange  bool
	mu       sync.Mutex
	ranges   []string
}

func (s *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	first := len(s.ranges) == 1
	s.mu.Unlock()
	if s.noRange {
		r.Header.Del("Range")
	}
	if first && s.cutFirst {
		w.Header().Set("Content-Length", itoa64(int64(len(s.content))))
		w.WriteHeader(http.StatusOK)
		w.Write(s.content[:len(s.content)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	http.ServeContent(w, r, "auth.txt.gz", time.Unix(0, 0), bytes.NewReader(s.content))
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestDownloadResumesAndVerifies(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 50_000)
	cases := []struct {
		name       string
		srv        *fileServer
		partial    int // bytes already in path.part
		wantRanges []string
	}{
		{"whole", &fileServer{content: content}, 0, []string{""}},
		{"cut and resumed", &fileServer{content: content, cutFirst: true}, 0, []string{"", "bytes=400000-"}},
		{"resume a partial file", &fileServer{content: content}, 1234, []string{"bytes=1234-"}},
		{"server ignores Range", &fileServer{content: content, noRange: true}, 1234, []string{"bytes=1234-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := httptest.NewServer(c.srv)
			defer ts.Close()
			path := filepath.Join(t.TempDir(), "auth.txt.gz")
			if c.partial > 0 {
				os.WriteFile(path+".part", content[:c.partial], 0o644)
			}
			var prog strings.Builder
			d := Download{URL: ts.URL, Size: int64(len(content)), SHA256: digest(content), Progress: &prog}
			if err := d.Fetch(context.Background(), path); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, content) {
				t.Errorf("downloaded %d bytes, not the content", len(got))
			}
			if strings.Join(c.srv.ranges, "|") != strings.Join(c.wantRanges, "|") {
				t.Errorf("Range headers %q, want %q", c.srv.ranges, c.wantRanges)
			}
			if !strings.Contains(prog.String(), "bytes") {
				t.Errorf("no progress line: %q", prog.String())
			}
			if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
				t.Error("partial file left behind")
			}
			// A second Fetch finds the verified file and asks nothing.
			n := len(c.srv.ranges)
			if err := d.Fetch(context.Background(), path); err != nil || len(c.srv.ranges) != n {
				t.Errorf("second fetch: err %v, %d more requests", err, len(c.srv.ranges)-n)
			}
		})
	}
}

func TestDownloadFailures(t *testing.T) {
	content := []byte(strings.Repeat("redteam\n", 1000))
	ts := httptest.NewServer(&fileServer{content: content})
	defer ts.Close()
	dir := t.TempDir()
	check := func(name string, d Download) {
		t.Helper()
		path := filepath.Join(dir, name)
		err := d.Fetch(context.Background(), path)
		if !errors.Is(err, ErrDownload) {
			t.Errorf("%s: err %v, want ErrDownload", name, err)
		}
		for _, p := range []string{path, path + ".part"} {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s: %s left behind", name, p)
			}
		}
	}
	check("checksum", Download{URL: ts.URL, SHA256: digest([]byte("other"))})
	check("size", Download{URL: ts.URL, Size: 10})
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	check("not found", Download{URL: missing.URL})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Download{URL: ts.URL}).Fetch(ctx, filepath.Join(dir, "cancelled")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
	if _, _, ok := parseContentRange("bytes 5-9/*"); !ok {
		t.Error("Content-Range with unknown size rejected")
	}
	for _, bad := range []string{"", "bytes 5/10", "bytes x-9/10", "items 0-1/2"} {
		if _, _, ok := parseContentRange(bad); ok {
			t.Errorf("Content-Range %q accepted", bad)
		}
	}
}
