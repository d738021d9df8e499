package lanl

import (
	"bytes"
	"errors"
	"io"
)

// MaxLineBytes is the longest line the readers accept; longer lines are
// skipped and counted as malformed (ReasonTooLong). Real lines are under
// 150 bytes.
const MaxLineBytes = 64 << 10

const lineBufferBytes = 1 << 20

// lineSplitter yields the lines of r as slices of one reused buffer: no
// allocation per line. A final line without a newline is still a line.
type lineSplitter struct {
	r          io.Reader
	buf        []byte
	start, end int
	err        error // sticky read error (io.EOF at the end)
}

func newLineSplitter(r io.Reader) *lineSplitter {
	return &lineSplitter{r: r, buf: make([]byte, lineBufferBytes)}
}

// next returns the next line without its "\n" (and "\r"), with tooLong
// set when the line exceeded MaxLineBytes (its bytes are dropped) and
// unterminated set for a last line that has no newline; ok is false at the
// end of input or on a read error (see readErr).
func (s *lineSplitter) next() (line []byte, tooLong, unterminated, ok bool) {
	skipping := false
	for {
		if i := bytes.IndexByte(s.buf[s.start:s.end], '\n'); i >= 0 {
			line = s.buf[s.start : s.start+i]
			s.start += i + 1
			if skipping || len(line) > MaxLineBytes {
				return nil, true, false, true
			}
			return trimCR(line), false, false, true
		}
		if s.err != nil {
			if s.start < s.end {
				line = s.buf[s.start:s.end]
				s.start = s.end
				if skipping || len(line) > MaxLineBytes {
					return nil, true, true, true
				}
				return trimCR(line), false, true, true
			}
			if skipping {
				return nil, true, true, true
			}
			return nil, false, false, false
		}
		if s.end-s.start > MaxLineBytes {
			// Drop what we have of an overlong line and keep reading to
			// its newline.
			skipping = true
			s.start, s.end = 0, 0
		}
		s.fill()
	}
}

func (s *lineSplitter) fill() {
	if s.start > 0 {
		s.end = copy(s.buf, s.buf[s.start:s.end])
		s.start = 0
	}
	for s.err == nil {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return
		}
	}
}

// readErr is the error that ended the input, nil for a clean end.
func (s *lineSplitter) readErr() error {
	if errors.Is(s.err, io.EOF) {
		return nil
	}
	return s.err
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
