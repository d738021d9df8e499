package rag

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LoadCISI reads the CISI collection in its SMART format: CISI.ALL (or
// CISI.ALL.gz) with records ".I id" and fields ".T" title, ".A" authors,
// ".W" abstract and ".X" citations; CISI.QRY with ".I" and ".W"; and
// CISI.REL with "query doc 0 0.0" lines. Documents are indexed as title and
// abstract (authors and citation lists are left out, as in the usual CISI
// experiments); only the 76 judged queries are kept.
func LoadCISI(dir string) (*Collection, error) {
	c := &Collection{Name: "cisi", Qrels: Qrels{}}
	docs, err := readSMART(dir, "CISI.ALL")
	if err != nil {
		return nil, err
	}
	docIDs := map[string]bool{}
	for _, r := range docs {
		title := strings.TrimSpace(r.fields["T"])
		text := strings.TrimSpace(r.fields["W"])
		if title != "" {
			text = title + "\n" + text
		}
		docIDs[r.id] = true
		c.Corpus = append(c.Corpus, Document{ID: r.id, Text: text, Meta: map[string]string{"title": title, "format": "cisi"}})
	}
	qs, err := readSMART(dir, "CISI.QRY")
	if err != nil {
		return nil, err
	}
	var queries []Query
	qIDs := map[string]bool{}
	for _, r := range qs {
		text := strings.TrimSpace(strings.Join([]string{r.fields["T"], r.fields["W"]}, "\n"))
		qIDs[r.id] = true
		queries = append(queries, Query{ID: r.id, Text: text})
	}
	path := filepath.Join(dir, "CISI.REL")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("%w: %s:%d: want \"query doc ...\"", ErrFormat, path, line)
		}
		q, d := canonicalID(fields[0]), canonicalID(fields[1])
		if !qIDs[q] || !docIDs[d] {
			return nil, fmt.Errorf("%w: %s:%d: unknown query %q or document %q", ErrFormat, path, line, q, d)
		}
		c.Qrels.add(q, d, 1)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	c.Queries = judged(queries, c.Qrels)
	if len(c.Corpus) == 0 || len(c.Queries) == 0 {
		return nil, fmt.Errorf("%w: %s: %d documents and %d judged queries", ErrFormat, dir, len(c.Corpus), len(c.Queries))
	}
	return c, nil
}

// smartRecord is one ".I" record of a SMART file: its ID and the text of
// each field, repeated fields joined by newlines.
type smartRecord struct {
	id     string
	fields map[string]string
}

// canonicalID drops leading zeros so that "007" in one file matches "7" in
// another.
func canonicalID(s string) string {
	if n, err := strconv.Atoi(s); err == nil {
		return strconv.Itoa(n)
	}
	return s
}

// readSMART parses dir/name or dir/name.gz.
func readSMART(dir, name string) ([]smartRecord, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		path += ".gz"
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
		}
		defer gz.Close()
		r = gz
	}
	var recs []smartRecord
	seen := map[string]bool{}
	field := ""
	var body strings.Builder
	flush := func() {
		if len(recs) > 0 && field != "" {
			rec := recs[len(recs)-1]
			if prev := rec.fields[field]; prev != "" {
				rec.fields[field] = prev + "\n" + body.String()
			} else {
				rec.fields[field] = body.String()
			}
		}
		body.Reset()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if len(text) >= 2 && text[0] == '.' && strings.Contains("ITAWXBCKN", text[1:2]) && (len(text) == 2 || text[2] == ' ' || text[2] == '\t') {
			flush()
			if text[1] == 'I' {
				id := canonicalID(strings.TrimSpace(text[2:]))
				if id == "" {
					return nil, fmt.Errorf("%w: %s:%d: .I without an id", ErrFormat, path, line)
				}
				if seen[id] {
					return nil, fmt.Errorf("%s:%d: %w: %q", path, line, ErrDuplicateID, id)
				}
				seen[id] = true
				recs = append(recs, smartRecord{id: id, fields: map[string]string{}})
				field = ""
				continue
			}
			if len(recs) == 0 {
				return nil, fmt.Errorf("%w: %s:%d: field before the first .I", ErrFormat, path, line)
			}
			field = text[1:2]
			continue
		}
		if body.Len() > 0 {
			body.WriteByte('\n')
		}
		body.WriteString(text)
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	return recs, nil
}
