// Package progress prints periodic progress lines for long work: done/total,
// rate and ETA, at most once per interval, on any writer (stderr by default).
// A Reporter is safe for concurrent use.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Reporter counts work done and prints a line at most every Every.
type Reporter struct {
	Label string
	Total int64  // 0 when unknown: no percentage or ETA
	Unit  string // e.g. "epochs", "lines"
	Every time.Duration
	W     io.Writer
	// Now is the clock; tests replace it.
	Now func() time.Time

	mu          sync.Mutex
	done        int64
	note        string
	start, last time.Time
}

// New returns a reporter writing to stderr once a second.
func New(label string, total int64, unit string) *Reporter {
	return &Reporter{Label: label, Total: total, Unit: unit, Every: time.Second, W: os.Stderr, Now: time.Now}
}

// Add records n more units of work and prints if the interval has passed.
func (r *Reporter) Add(n int64) { r.update(n, "", false) }

// Note records n more units with a short note (such as the current loss).
func (r *Reporter) Note(n int64, note string) { r.update(n, note, true) }

func (r *Reporter) update(n int64, note string, setNote bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Now()
	if r.start.IsZero() {
		r.start, r.last = now, now
	}
	r.done += n
	if setNote {
		r.note = note
	}
	if now.Sub(r.last) >= r.Every {
		r.last = now
		r.print(now)
	}
}

// Done prints the final line.
func (r *Reporter) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Now()
	if r.start.IsZero() {
		r.start = now
	}
	r.print(now)
}

func (r *Reporter) print(now time.Time) {
	el := now.Sub(r.start)
	rate := 0.0
	if el > 0 {
		rate = float64(r.done) / el.Seconds()
	}
	line := fmt.Sprintf("%s: %d", r.Label, r.done)
	if r.Total > 0 {
		line += fmt.Sprintf("/%d %s (%.0f%%)", r.Total, r.Unit, 100*float64(r.done)/float64(r.Total))
	} else {
		line += " " + r.Unit
	}
	line += fmt.Sprintf(", %s/s, %s elapsed", human(rate), el.Round(100*time.Millisecond))
	if r.Total > 0 && rate > 0 && r.done < r.Total {
		eta := time.Duration(float64(r.Total-r.done) / rate * float64(time.Second))
		line += ", ETA " + eta.Round(time.Second).String()
	}
	if r.note != "" {
		line += ", " + r.note
	}
	fmt.Fprintln(r.W, line)
}

func human(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}
