package eval

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// Table is a report table. WriteMarkdown renders it as a GitHub-flavoured
// Markdown table whose columns are also aligned in plain text.
type Table struct {
	Header []string
	Rows   [][]string
}

// WriteMarkdown writes t to w: the first column left-aligned, the others
// right-aligned (numbers), "|" in cells escaped. Rows shorter than the
// header are padded.
func (t Table) WriteMarkdown(w io.Writer) error {
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	cell := func(r []string, j int) string {
		if j < len(r) {
			return strings.ReplaceAll(r[j], "|", `\|`)
		}
		return ""
	}
	width := make([]int, cols)
	for _, r := range append([][]string{t.Header}, t.Rows...) {
		for j := range cols {
			width[j] = max(width[j], utf8.RuneCountInString(cell(r, j)), 3)
		}
	}
	var b strings.Builder
	line := func(r []string) {
		b.WriteString("|")
		for j := range cols {
			c := cell(r, j)
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			if j == 0 {
				b.WriteString(" " + c + pad + " |")
			} else {
				b.WriteString(" " + pad + c + " |")
			}
		}
		b.WriteString("\n")
	}
	line(t.Header)
	b.WriteString("|")
	for j := range cols {
		if j == 0 {
			b.WriteString(" " + strings.Repeat("-", width[j]) + " |")
		} else {
			b.WriteString(" " + strings.Repeat("-", width[j]-1) + ": |")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FormatEstimate renders an estimate as "0.912 [0.884, 0.937]" with digits
// decimals, "n/a" when undefined, and a trailing " ▼" when flagged.
func FormatEstimate(e Estimate, digits int) string {
	if !e.Defined {
		return "n/a"
	}
	s := fmt.Sprintf("%.*f", digits, e.Value)
	if e.CI.Level != 0 && !math.IsNaN(e.CI.Low) {
		s += fmt.Sprintf(" [%.*f, %.*f]", digits, e.CI.Low, digits, e.CI.High)
	}
	if e.Flagged {
		s += " ▼"
	}
	return s
}

// Table lays the frame out with one row per group after an "overall" row,
// and one column per metric holding FormatEstimate's rendering.
func (f *Frame) Table(digits int) Table {
	t := Table{Header: []string{"slice", "n"}}
	for _, m := range f.Metrics {
		t.Header = append(t.Header, m.Name)
	}
	row := func(name string, n int, es []Estimate) []string {
		r := []string{name, fmt.Sprint(n)}
		for _, e := range es {
			r = append(r, FormatEstimate(e, digits))
		}
		return r
	}
	n := 0
	for _, g := range f.Groups {
		n += g.Size
	}
	t.Rows = append(t.Rows, row("overall", n, f.Overall))
	for _, g := range f.Groups {
		t.Rows = append(t.Rows, row(f.Name(g), g.Size, g.Metrics))
	}
	return t
}
