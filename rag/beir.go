package rag

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LoadBEIR reads a collection in the BEIR layout: dir/corpus.jsonl,
// dir/queries.jsonl (either may be gzip-compressed, ".jsonl.gz") and
// dir/qrels/<split>.tsv. Corpus lines are {"_id", "title", "text"}, query
// lines {"_id", "text"}, and the qrels file is tab-separated
// "query-id corpus-id score" with a header line. Only the queries judged in
// the split are kept, as BEIR's own loader does. A malformed line, a
// duplicate ID, or a judgement naming an unknown document is an error with
// the file and line.
func LoadBEIR(dir, split string) (*Collection, error) {
	c := &Collection{Name: filepath.Base(dir) + "/" + split, Qrels: Qrels{}}
	seen := map[string]bool{}
	err := readJSONLines(dir, "corpus", func(line int, raw []byte) error {
		var rec struct {
			ID    *string `json:"_id"`
			Title string  `json:"title"`
			Text  string  `json:"text"`
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		if rec.ID == nil || *rec.ID == "" {
			return errors.New(`missing "_id"`)
		}
		if seen[*rec.ID] {
			return fmt.Errorf("%w: %q", ErrDuplicateID, *rec.ID)
		}
		seen[*rec.ID] = true
		text := rec.Text
		if t := strings.TrimSpace(rec.Title); t != "" {
			text = t + "\n" + rec.Text
		}
		c.Corpus = append(c.Corpus, Document{ID: *rec.ID, Text: text, Meta: map[string]string{"title": rec.Title, "format": "beir"}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var queries []Query
	qseen := map[string]bool{}
	err = readJSONLines(dir, "queries", func(line int, raw []byte) error {
		var rec struct {
			ID   *string `json:"_id"`
			Text string  `json:"text"`
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		if rec.ID == nil || *rec.ID == "" {
			return errors.New(`missing "_id"`)
		}
		if qseen[*rec.ID] {
			return fmt.Errorf("%w: %q", ErrDuplicateID, *rec.ID)
		}
		qseen[*rec.ID] = true
		queries = append(queries, Query{ID: *rec.ID, Text: rec.Text})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := readBEIRQrels(filepath.Join(dir, "qrels", split+".tsv"), c.Qrels, seen, qseen); err != nil {
		return nil, err
	}
	c.Queries = judged(queries, c.Qrels)
	if len(c.Corpus) == 0 || len(c.Queries) == 0 {
		return nil, fmt.Errorf("%w: %s: %d documents and %d judged queries", ErrFormat, dir, len(c.Corpus), len(c.Queries))
	}
	return c, nil
}

// readJSONLines opens dir/name.jsonl or dir/name.jsonl.gz and calls fn for
// every non-blank line.
func readJSONLines(dir, name string, fn func(line int, raw []byte) error) error {
	path := filepath.Join(dir, name+".jsonl")
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		path += ".gz"
		f, err = os.Open(path)
	}
	if err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if len(strings.TrimSpace(string(raw))) == 0 {
			continue
		}
		if err := fn(line, raw); err != nil {
			if errors.Is(err, ErrDuplicateID) {
				return fmt.Errorf("%s:%d: %w", path, line, err)
			}
			return fmt.Errorf("%w: %s:%d: %v", ErrFormat, path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	return nil
}

// readBEIRQrels reads a qrels TSV, checking that every ID is known.
func readBEIRQrels(path string, qrels Qrels, docs, queries map[string]bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.FieldsPerRecord = 3
	r.LazyQuotes = true
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
		}
		if line == 1 && rec[0] == "query-id" {
			continue
		}
		grade, err := strconv.Atoi(strings.TrimSpace(rec[2]))
		if err != nil {
			return fmt.Errorf("%w: %s:%d: score %q is not an integer", ErrFormat, path, line, rec[2])
		}
		switch {
		case !queries[rec[0]]:
			return fmt.Errorf("%w: %s:%d: unknown query %q", ErrFormat, path, line, rec[0])
		case !docs[rec[1]]:
			return fmt.Errorf("%w: %s:%d: unknown document %q", ErrFormat, path, line, rec[1])
		}
		qrels.add(rec[0], rec[1], grade)
	}
}
