package eval

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Table is a report table. WriteMarkdown renders it as a GitHub-flavoured
// Markdown table whose columns are also aligned in plain text.
type Table struct {
	Header []string
	Rows   [][]string
}

// WriteMarkdown writes t to w with "|" in cells escaped and short rows
// padded. Columns of numbers (every cell starts with a digit, a sign or
// "[", or is "n/a" or "—") are right-aligned, others left-aligned.
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
	right := make([]bool, cols)
	for j := range cols {
		right[j] = len(t.Rows) > 0
		for _, r := range t.Rows {
			right[j] = right[j] && numeric(cell(r, j))
		}
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
			if right[j] {
				b.WriteString(" " + pad + c + " |")
			} else {
				b.WriteString(" " + c + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	line(t.Header)
	b.WriteString("|")
	for j := range cols {
		if right[j] {
			b.WriteString(" " + strings.Repeat("-", width[j]-1) + ": |")
		} else {
			b.WriteString(" " + strings.Repeat("-", width[j]) + " |")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// numeric reports whether a cell reads as a number (or a placeholder for one).
func numeric(c string) bool {
	if c == "" || c == "n/a" || c == "—" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(c)
	return unicode.IsDigit(r) || strings.ContainsRune("+-−[.", r)
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
