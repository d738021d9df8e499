package rag

import "sort"

// Document is one loaded source: a PDF, a Markdown or text file, or one record
// of a benchmark corpus. Text is what every later stage indexes and cites:
// chunk offsets are byte offsets into Text.
type Document struct {
	// ID names the document in citations; loaders use the file's base name.
	ID string
	// Text is the extracted UTF-8 text.
	Text string
	// Meta holds loader facts such as "title", "source" (the path) and
	// "format" ("pdf", "markdown", "text", "beir", "cisi").
	Meta map[string]string
	// Pages lists where each page of a PDF lies in Text, in page order; nil
	// for formats without pages.
	Pages []Page
}

// Page is the span of one PDF page inside Document.Text.
type Page struct {
	// Number is the 1-based page number.
	Number int
	// Start and End are byte offsets into Document.Text, End exclusive.
	Start, End int
}

// PageAt returns the 1-based number of the page holding byte offset off, or 0
// when the document has no pages or off lies outside them.
func (d Document) PageAt(off int) int {
	i := sort.Search(len(d.Pages), func(i int) bool { return d.Pages[i].End > off })
	if i == len(d.Pages) || off < d.Pages[i].Start {
		return 0
	}
	return d.Pages[i].Number
}
