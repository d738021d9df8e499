package lanl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/mlprep/mlprep/internal/progress"
)

// LANL's published locations of the data set's files (Kent 2015; the site
// asks for the references in doc.go to be cited). The red-team file's size
// and SHA-256 are those of the copy in ../shared/data/lanl; the auth file's
// are not known here, so its download checks the size the server states.
const (
	AuthURL       = "https://csr.lanl.gov/data/cyber1/auth.txt.gz"
	RedTeamURL    = "https://csr.lanl.gov/data/cyber1/redteam.txt.gz"
	RedTeamSize   = 4846
	RedTeamSHA256 = "606635837c684ad11e464075ecf97bc5df325ff7d7f64614d2d8c8af18051669"
)

// Download fetches one file over HTTP, resuming an interrupted transfer
// with a Range request, and verifies it. The zero value of the optional
// fields is usable: http.DefaultClient, no expected size or checksum (the
// size the server states is still checked), three attempts, no progress.
type Download struct {
	URL string
	// Size is the expected length in bytes; 0 when unknown.
	Size int64
	// SHA256 is the expected hex digest; "" skips the check.
	SHA256 string
	// Client defaults to http.DefaultClient.
	Client *http.Client
	// Attempts bounds the requests (each resuming where the last one
	// stopped); 0 means 3.
	Attempts int
	// Progress, when set, receives progress lines.
	Progress io.Writer
}

// Fetch downloads into path. Bytes arrive in path+".part", which a later
// Fetch resumes; the file is renamed to path only once its size and
// checksum check out. A path that already exists and checks out is left
// alone. Errors wrap ErrDownload for an unusable answer (a partial file
// with bytes in it is kept) or a failed check (the file is removed, so the
// next Fetch starts over), and ctx's error when cancelled (the partial file
// is kept for resuming).
func (d Download) Fetch(ctx context.Context, path string) error {
	if d.verify(path) == nil {
		return nil
	}
	part := path + ".part"
	attempts := d.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	var last error
	for range attempts {
		total, err := d.fetchOnce(ctx, part)
		if err == nil {
			if err = d.check(part, total); err != nil {
				os.Remove(part)
				return err
			}
			return os.Rename(part, path)
		}
		if ctx.Err() != nil || errors.Is(err, ErrDownload) {
			if st, serr := os.Stat(part); serr == nil && st.Size() == 0 {
				os.Remove(part)
			}
			return err
		}
		last = err
	}
	return fmt.Errorf("lanl: download %s: %d attempts: %w", d.URL, attempts, last)
}

// fetchOnce appends what the server sends after the bytes already in part
// and returns the file's total size as the server states it (or 0).
func (d Download) fetchOnce(ctx context.Context, part string) (int64, error) {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, fmt.Errorf("lanl: %w", err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("lanl: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrDownload, err)
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var total int64
	switch resp.StatusCode {
	case http.StatusOK:
		// The server ignored the range (or there was none): start over.
		if err := f.Truncate(0); err != nil {
			return 0, fmt.Errorf("lanl: %w", err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, fmt.Errorf("lanl: %w", err)
		}
		have, total = 0, resp.ContentLength
	case http.StatusPartialContent:
		start, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return 0, fmt.Errorf("%w: %s: asked for bytes from %d, got Content-Range %q",
				ErrDownload, d.URL, have, resp.Header.Get("Content-Range"))
		}
		total = size
	case http.StatusRequestedRangeNotSatisfiable:
		// Everything is already here (or the partial file is longer than
		// the file: the size check will tell).
		return have, nil
	default:
		return 0, fmt.Errorf("%w: %s: %s", ErrDownload, d.URL, resp.Status)
	}
	var prog *progress.Reporter
	if d.Progress != nil {
		prog = progress.New("download "+d.URL, total, "bytes")
		prog.W = d.Progress
		prog.Add(have)
	}
	_, err = io.Copy(f, &progressReader{r: resp.Body, prog: prog})
	if prog != nil {
		prog.Done()
	}
	return total, err
}

// parseContentRange reads "bytes start-end/size" (size may be "*": -1).
func parseContentRange(s string) (start, size int64, ok bool) {
	s, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, sz, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	first, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if sz == "*" {
		return start, -1, true
	}
	size, err = strconv.ParseInt(sz, 10, 64)
	return start, size, err == nil
}

// check verifies the downloaded file against the expected size, the size
// the server stated and the checksum.
func (d Download) check(path string, stated int64) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("lanl: %w", err)
	}
	if stated > 0 && st.Size() != stated {
		return fmt.Errorf("%w: %s: %d bytes, the server stated %d", ErrDownload, d.URL, st.Size(), stated)
	}
	return d.verify(path)
}

// verify checks an existing file against Size and SHA256.
func (d Download) verify(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var h hash.Hash = sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("lanl: %w", err)
	}
	if d.Size > 0 && n != d.Size {
		return fmt.Errorf("%w: %s: %d bytes, want %d", ErrDownload, path, n, d.Size)
	}
	if d.SHA256 != "" && !strings.EqualFold(hex.EncodeToString(h.Sum(nil)), d.SHA256) {
		return fmt.Errorf("%w: %s: SHA-256 %x, want %s", ErrDownload, path, h.Sum(nil), d.SHA256)
	}
	return nil
}

type progressReader struct {
	r    io.Reader
	prog *progress.Reporter
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if p.prog != nil {
		p.prog.Add(int64(n))
	}
	return n, err
}
