package gcn

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/nn"
)

// maxLine bounds one input line (a Cora content line is about 2.9 kB; 1 MiB
// holds half a million features).
const maxLine = 1 << 20

// LoadCora reads the Cora citation graph in the LINQS/pygcn plain-text
// format from dir, or from the shared data directory's cora/ when dir is ""
// (an error wrapping datasets.ErrNoData when there is none). It reads
// cora.content (or cora.content.gz) and cora.cites, and the Planetoid split
// from planetoid_split/{train,val,test}_paper_ids.txt when present; without
// those files the split is RandomSplit's with Planetoid's sizes and seed 0.
// Features are the raw 0/1 word indicators (Train row-normalises them).
func LoadCora(dir string) (*Dataset, error) {
	if dir == "" {
		var err error
		if dir, err = datasets.Path("cora"); err != nil {
			return nil, err
		}
	}
	content, err := openMaybeGzip(filepath.Join(dir, "cora.content"))
	if err != nil {
		return nil, err
	}
	defer content.Close()
	cites, err := os.Open(filepath.Join(dir, "cora.cites"))
	if err != nil {
		return nil, fmt.Errorf("gcn: %w", err)
	}
	defer cites.Close()
	d, err := ReadCora(content, cites)
	if err != nil {
		return nil, err
	}
	splitDir := filepath.Join(dir, "planetoid_split")
	if _, err := os.Stat(splitDir); err != nil {
		split, err := RandomSplit(d.Labels, d.Classes, 20, 500, 1000, nn.NewRand(0))
		if err != nil {
			return nil, err
		}
		d.Split = split
		d.Split.Name = "random (seed 0)"
		return d, nil
	}
	d.Split.Name = "planetoid"
	index := make(map[string]int, len(d.NodeIDs))
	for i, id := range d.NodeIDs {
		index[id] = i
	}
	for _, part := range []struct {
		file  string
		nodes *[]int
	}{{"train_paper_ids.txt", &d.Split.Train}, {"val_paper_ids.txt", &d.Split.Val}, {"test_paper_ids.txt", &d.Split.Test}} {
		f, err := os.Open(filepath.Join(splitDir, part.file))
		if err != nil {
			return nil, fmt.Errorf("gcn: %w", err)
		}
		*part.nodes, err = readIDList(f, part.file, index)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// ReadCora parses Cora's two files. content has one line per paper,
// "<paper id> <feature values…> <class label>" separated by spaces or tabs,
// every line with the same number of features; cites has one line per link,
// "<cited paper id> <citing paper id>". Class labels are numbered in sorted
// order of their names; the graph is undirected (NewGraph). Errors name the
// file and line: a wrong field count, a value that is not a finite number, a
// repeated paper id, a link to a paper id that content does not list.
// The returned Dataset has no split.
func ReadCora(content, cites io.Reader) (*Dataset, error) {
	d, index, err := readContent(content, "cora.content")
	if err != nil {
		return nil, err
	}
	edges, err := readEdges(cites, "cora.cites", index)
	if err != nil {
		return nil, err
	}
	if d.Graph, err = NewGraph(len(d.Labels), edges); err != nil {
		return nil, err
	}
	return d, nil
}

func readContent(r io.Reader, file string) (*Dataset, map[string]int, error) {
	d := &Dataset{Name: "cora", Features: &CSR{Indptr: []int{0}}}
	index := map[string]int{}
	classOf := map[string]int{}
	var classes []string
	sc := newScanner(r)
	var fields [][]byte
	line := 0
	for sc.Scan() {
		line++
		fields = splitFields(fields[:0], sc.Bytes())
		if len(fields) == 0 {
			continue
		}
		bad := func(format string, args ...any) error {
			return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
		}
		if len(fields) < 2 {
			return nil, nil, bad("want a paper id, features and a class label, got %d field(s)", len(fields))
		}
		nf := len(fields) - 2
		if len(d.Labels) == 0 {
			d.Features.Cols = nf
		} else if nf != d.Features.Cols {
			return nil, nil, bad("%d features, want %d as on the first line", nf, d.Features.Cols)
		}
		id := string(fields[0])
		if prev, dup := index[id]; dup {
			return nil, nil, bad("paper id %q repeats node %d", id, prev)
		}
		for k, f := range fields[1 : nf+1] {
			v, err := parseValue(f)
			if err != nil {
				return nil, nil, bad("feature %d: %v", k, err)
			}
			if v != 0 {
				d.Features.Indices = append(d.Features.Indices, int32(k))
				d.Features.Values = append(d.Features.Values, v)
			}
		}
		label := string(fields[nf+1])
		c, ok := classOf[label]
		if !ok {
			c = len(classes)
			classOf[label] = c
			classes = append(classes, label)
		}
		index[id] = len(d.Labels)
		d.NodeIDs = append(d.NodeIDs, id)
		d.Labels = append(d.Labels, c) // first-seen order until renumbered below
		d.Features.Indptr = append(d.Features.Indptr, len(d.Features.Indices))
	}
	if err := sc.Err(); err != nil {
		return nil, nil, scanError(file, line, err)
	}
	if len(d.Labels) == 0 {
		return nil, nil, fmt.Errorf("%w: %s has no nodes", ErrInvalid, file)
	}
	d.Features.Rows = len(d.Labels)
	// Number classes by sorted name so the order does not depend on the file's.
	d.ClassNames = slices.Clone(classes)
	slices.Sort(d.ClassNames)
	rank := make([]int, len(classes))
	for i, name := range classes {
		rank[i], _ = slices.BinarySearch(d.ClassNames, name)
	}
	for i, c := range d.Labels {
		d.Labels[i] = rank[c]
	}
	d.Classes = len(classes)
	return d, index, nil
}

func readEdges(r io.Reader, file string, index map[string]int) ([]Edge, error) {
	var edges []Edge
	sc := newScanner(r)
	var fields [][]byte
	line := 0
	for sc.Scan() {
		line++
		fields = splitFields(fields[:0], sc.Bytes())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return nil, &ParseError{File: file, Line: line, Msg: fmt.Sprintf("want 2 paper ids (cited, citing), got %d field(s)", len(fields))}
		}
		var ends [2]int
		for k, f := range fields {
			i, ok := index[string(f)]
			if !ok {
				return nil, &ParseError{File: file, Line: line, Msg: fmt.Sprintf("unknown paper id %q (not in the content file)", f)}
			}
			ends[k] = i
		}
		edges = append(edges, Edge{From: ends[1], To: ends[0]})
	}
	if err := sc.Err(); err != nil {
		return nil, scanError(file, line, err)
	}
	return edges, nil
}

// readIDList reads one node id per line and returns their indices.
func readIDList(r io.Reader, file string, index map[string]int) ([]int, error) {
	var nodes []int
	sc := newScanner(r)
	var fields [][]byte
	line := 0
	for sc.Scan() {
		line++
		fields = splitFields(fields[:0], sc.Bytes())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 1 {
			return nil, &ParseError{File: file, Line: line, Msg: fmt.Sprintf("want one paper id, got %d fields", len(fields))}
		}
		i, ok := index[string(fields[0])]
		if !ok {
			return nil, &ParseError{File: file, Line: line, Msg: fmt.Sprintf("unknown paper id %q", fields[0])}
		}
		nodes = append(nodes, i)
	}
	if err := sc.Err(); err != nil {
		return nil, scanError(file, line, err)
	}
	return nodes, nil
}

// parseValue reads one feature value, with a fast path for Cora's 0 and 1.
func parseValue(f []byte) (float32, error) {
	if len(f) == 1 && (f[0] == '0' || f[0] == '1') {
		return float32(f[0] - '0'), nil
	}
	v, err := strconv.ParseFloat(string(f), 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", f)
	}
	if !finite(float32(v)) {
		return 0, fmt.Errorf("%q is not finite", f)
	}
	return float32(v), nil
}

func finite(v float32) bool { return v == v && v-v == 0 }

func newScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	return sc
}

func scanError(file string, line int, err error) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return &ParseError{File: file, Line: line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
	}
	return fmt.Errorf("gcn: reading %s: %w", file, err)
}

// splitFields appends the space- or tab-separated fields of line to dst.
func splitFields(dst [][]byte, line []byte) [][]byte {
	start := -1
	for i, c := range line {
		if c == ' ' || c == '\t' || c == '\r' {
			if start >= 0 {
				dst = append(dst, line[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, line[start:])
	}
	return dst
}

// openMaybeGzip opens path, or path+".gz" through a gzip reader.
func openMaybeGzip(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err == nil {
		return f, nil
	}
	gz, gerr := os.Open(path + ".gz")
	if gerr != nil {
		return nil, fmt.Errorf("gcn: %w", err)
	}
	zr, err := gzip.NewReader(gz)
	if err != nil {
		gz.Close()
		return nil, fmt.Errorf("gcn: %s.gz: %w", path, err)
	}
	return gzipFile{zr, gz}, nil
}

// gzipFile closes both the gzip reader and the file under it.
type gzipFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzipFile) Close() error {
	err := g.Reader.Close()
	if ferr := g.f.Close(); err == nil {
		err = ferr
	}
	return err
}
