package lanl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/klauspost/pgzip"
)

// Input is an opened auth or red-team file: plain text, or gzip
// decompressed on a separate goroutine with read-ahead, so that one core
// inflates while another parses. Close it when done.
type Input struct {
	r        io.Reader
	closers  []io.Closer
	size     int64
	consumed *atomic.Int64
	gzipped  bool
}

// gzipMagic starts every gzip member (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// Open opens a file, decompressing it if it starts with the gzip magic
// bytes (whatever its name). An empty file is a valid, empty input.
func Open(path string) (*Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lanl: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lanl: %w", err)
	}
	in, err := NewInput(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lanl: %s: %w", path, err)
	}
	in.size = st.Size()
	in.closers = append(in.closers, f)
	return in, nil
}

// NewInput wraps r like Open: gzip is detected by its magic bytes. The
// caller still owns r (Close does not close it).
func NewInput(r io.Reader) (*Input, error) {
	in := &Input{consumed: new(atomic.Int64)}
	br := bufio.NewReaderSize(&countingReader{r: r, n: in.consumed}, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == gzipMagic[0] && magic[1] == gzipMagic[1] {
		zr, err := pgzip.NewReaderN(br, 1<<20, 4)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		in.r, in.gzipped = zr, true
		in.closers = append(in.closers, zr)
		return in, nil
	}
	in.r = br
	return in, nil
}

// Read reads decompressed bytes.
func (in *Input) Read(p []byte) (int, error) { return in.r.Read(p) }

// Close stops the decompressor and closes the file.
func (in *Input) Close() error {
	var errs []error
	for _, c := range in.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// Size is the file's size in bytes (compressed, for gzip), 0 if unknown.
func (in *Input) Size() int64 { return in.size }

// Consumed is how many bytes of the file have been read so far: with Size,
// the progress of a read.
func (in *Input) Consumed() int64 { return in.consumed.Load() }

// Gzipped reports whether the input is being decompressed.
func (in *Input) Gzipped() bool { return in.gzipped }

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// isTruncation reports whether a read error means the compressed stream
// was cut off rather than corrupted or unreadable.
func isTruncation(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF)
}
