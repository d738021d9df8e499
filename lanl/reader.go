package lanl

import (
	"fmt"
	"io"
	"time"

	"github.com/mlprep/mlprep/internal/progress"
)

// ReadOptions configures how readers treat bad input and report progress.
// The zero value counts malformed lines without limit, keeps the first 20
// as examples, and prints no progress.
type ReadOptions struct {
	// Strict stops at the first malformed line, or at a truncated gzip
	// stream, with an error wrapping ErrMalformed or ErrTruncated.
	Strict bool
	// MaxMalformed, when positive, stops the read with an error wrapping
	// ErrTooManyMalformed once more lines than this were malformed.
	MaxMalformed int64
	// Examples is how many malformed lines are kept, with their line
	// numbers, for the report; 0 means 20, negative keeps none.
	Examples int
	// Limit, when positive, stops after this many accepted events.
	Limit int64
	// Progress, when set, receives a line about once a second: bytes read
	// (of the compressed file when reading through Open), events/s, ETA.
	Progress io.Writer
}

func (o ReadOptions) examples() int {
	switch {
	case o.Examples == 0:
		return 20
	case o.Examples < 0:
		return 0
	}
	return o.Examples
}

// Malformed is one rejected line.
type Malformed struct {
	Line   int64  // 1-based line number
	Reason Reason // why it was rejected
	Text   string // the line, cut to 120 bytes
}

func (m Malformed) String() string {
	return fmt.Sprintf("line %d: %s: %q", m.Line, m.Reason, m.Text)
}

// Report sums up a read: how many lines were seen, accepted and rejected
// (by reason, with the first few as examples), and whether the input was
// cut off.
type Report struct {
	Lines     int64 // lines seen
	Events    int64 // lines accepted
	Malformed int64 // lines rejected
	// ByReason counts the rejected lines per Reason.
	ByReason [numReasons]int64
	// Examples are the first rejected lines (ReadOptions.Examples of them).
	Examples []Malformed
	// Truncated is set when the input ended inside a gzip stream: the
	// events before the cut were delivered.
	Truncated bool
}

// String is a one-line summary, for logs.
func (r Report) String() string {
	s := fmt.Sprintf("%d lines, %d events, %d malformed", r.Lines, r.Events, r.Malformed)
	for k, n := range r.ByReason {
		if n > 0 {
			s += fmt.Sprintf("; %s: %d", Reason(k), n)
		}
	}
	if r.Truncated {
		s += "; input truncated"
	}
	return s
}

// progressInput is what Open returns: it knows how many compressed bytes
// have been consumed and the file's size, for progress in bytes with an ETA.
type progressInput interface {
	Consumed() int64
	Size() int64
}

// lineReader is the machinery the auth and red-team readers share: line
// splitting, numbering, malformed-line accounting and progress.
type lineReader struct {
	lines  *lineSplitter
	src    io.Reader
	opts   ReadOptions
	report Report
	err    error
	done   bool

	prog          *progress.Reporter
	progBytes     int64
	progStart     time.Time
	sinceProgress int
}

func newLineReader(r io.Reader, o ReadOptions, label string) lineReader {
	lr := lineReader{lines: newLineSplitter(r), src: r, opts: o}
	if o.Progress != nil {
		var total int64
		if p, ok := r.(progressInput); ok {
			total = p.Size()
		}
		lr.prog = progress.New(label, total, "bytes")
		lr.prog.W = o.Progress
		lr.progStart = time.Now()
	}
	return lr
}

// nextLine returns the next line to parse, or ok false at the end (clean,
// error or stop). Lines the splitter rejects on its own are accounted here.
func (lr *lineReader) nextLine() (line []byte, ok bool) {
	for !lr.done {
		if lr.opts.Limit > 0 && lr.report.Events >= lr.opts.Limit {
			lr.finish()
			return nil, false
		}
		line, tooLong, unterminated, ok := lr.lines.next()
		if !ok {
			lr.finish()
			return nil, false
		}
		lr.report.Lines++
		if lr.prog != nil {
			lr.tick()
		}
		switch {
		case tooLong:
			lr.reject(ReasonTooLong, nil)
		case unterminated && lr.lines.readErr() != nil:
			// The decompressor failed mid-line: this line is a fragment.
			lr.reject(ReasonTruncated, line)
		case len(line) == 0 && unterminated:
			// Not a line at all: the file ends with "\n".
			lr.report.Lines--
		default:
			return line, true
		}
	}
	return nil, false
}

// reject counts a malformed line and applies the strict and limit rules.
func (lr *lineReader) reject(why Reason, line []byte) {
	lr.report.Malformed++
	lr.report.ByReason[why]++
	m := Malformed{Line: lr.report.Lines, Reason: why}
	if len(lr.report.Examples) < lr.opts.examples() || lr.opts.Strict {
		m.Text = string(line[:min(len(line), 120)])
		if len(lr.report.Examples) < lr.opts.examples() {
			lr.report.Examples = append(lr.report.Examples, m)
		}
	}
	switch {
	case lr.opts.Strict && why == ReasonTruncated:
		lr.stop(fmt.Errorf("%w: %v", ErrTruncated, m))
	case lr.opts.Strict:
		lr.stop(fmt.Errorf("%w: %v", ErrMalformed, m))
	case lr.opts.MaxMalformed > 0 && lr.report.Malformed > lr.opts.MaxMalformed:
		lr.stop(fmt.Errorf("%w: %d, the limit is %d (latest at line %d: %s)",
			ErrTooManyMalformed, lr.report.Malformed, lr.opts.MaxMalformed, m.Line, why))
	}
}

func (lr *lineReader) accept() { lr.report.Events++ }

func (lr *lineReader) stop(err error) {
	lr.err = err
	lr.done = true
	lr.printProgress()
}

// finish classifies how the input ended.
func (lr *lineReader) finish() {
	if lr.done {
		return
	}
	lr.done = true
	if err := lr.lines.readErr(); err != nil {
		if isTruncation(err) {
			lr.report.Truncated = true
			if lr.opts.Strict {
				lr.err = fmt.Errorf("%w after line %d: %v", ErrTruncated, lr.report.Lines, err)
			}
		} else {
			lr.err = fmt.Errorf("lanl: reading after line %d: %w", lr.report.Lines, err)
		}
	}
	lr.printProgress()
}

// tick prints progress every 64k lines at most once per Reporter interval.
func (lr *lineReader) tick() {
	lr.sinceProgress++
	if lr.sinceProgress < 1<<16 {
		return
	}
	lr.sinceProgress = 0
	lr.updateProgress(false)
}

func (lr *lineReader) printProgress() {
	if lr.prog != nil {
		lr.updateProgress(true)
	}
}

func (lr *lineReader) updateProgress(final bool) {
	var b int64
	if p, ok := lr.src.(progressInput); ok {
		b = p.Consumed()
	}
	el := time.Since(lr.progStart).Seconds()
	note := fmt.Sprintf("%d events", lr.report.Events)
	if el > 0 {
		note += fmt.Sprintf(" (%.2fM events/s)", float64(lr.report.Events)/el/1e6)
	}
	lr.prog.Note(b-lr.progBytes, note)
	lr.progBytes = b
	if final {
		lr.prog.Done()
	}
}

// AuthReader streams the events of an auth.txt file (plain or gzip: see
// Open), interning names into a Dictionary. Use it like bufio.Scanner:
//
//	for r.Next() { e := r.Event(); … }
//	if err := r.Err(); err != nil { … }
//	report := r.Report()
//
// Malformed lines are counted and skipped (see ReadOptions); a line whose
// time is smaller than the previous accepted line's is rejected with
// ReasonTimeBackwards, so accepted events are in time order. In steady state
// (no new names) reading allocates nothing per line. An AuthReader is not
// safe for concurrent use.
type AuthReader struct {
	lineReader
	dict *Dictionary
	ev   Event
	last int64
}

// NewAuthReader reads auth lines from r into d.
func NewAuthReader(r io.Reader, d *Dictionary, o ReadOptions) *AuthReader {
	return &AuthReader{lineReader: newLineReader(r, o, "read auth"), dict: d}
}

// Next advances to the next accepted event and reports whether there is one.
func (r *AuthReader) Next() bool {
	for {
		line, ok := r.nextLine()
		if !ok {
			return false
		}
		var e Event
		why := parseAuth(line, r.dict, &e)
		if why == ReasonNone && e.Time < r.last {
			why = ReasonTimeBackwards
		}
		if why != ReasonNone {
			r.reject(why, line)
			continue
		}
		r.last = e.Time
		r.ev = e
		r.accept()
		return true
	}
}

// Event is the current event; valid after Next returned true.
func (r *AuthReader) Event() Event { return r.ev }

// Err is the error that stopped the read, nil at a clean end (including a
// truncated input outside strict mode: see Report.Truncated).
func (r *AuthReader) Err() error { return r.err }

// Report sums up the read so far.
func (r *AuthReader) Report() Report { return r.report }

// ReadRedTeam reads a whole redteam.txt file (plain or gzip: see Open),
// with the same bad-input rules as AuthReader (red-team lines need not be
// in time order). It returns the events read even when err is not nil.
func ReadRedTeam(r io.Reader, d *Dictionary, o ReadOptions) ([]RedTeamEvent, Report, error) {
	lr := newLineReader(r, o, "read red team")
	var out []RedTeamEvent
	for {
		line, ok := lr.nextLine()
		if !ok {
			break
		}
		var e RedTeamEvent
		if why := parseRedTeam(line, d, &e); why != ReasonNone {
			lr.reject(why, line)
			continue
		}
		lr.accept()
		out = append(out, e)
	}
	return out, lr.report, lr.err
}
