package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// readTextFile opens path, or path+".gz" when only the compressed copy
// exists (and decompresses it), and decodes it with read. Errors name the
// file.
func readTextFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && !strings.HasSuffix(path, ".gz") {
		f, err = os.Open(path + ".gz")
	}
	if err != nil {
		return zero, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(f.Name(), ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return zero, fmt.Errorf("datasets: %s: %w", f.Name(), err)
		}
		defer zr.Close()
		r = zr
	}
	v, err := read(r)
	if err != nil {
		return zero, fmt.Errorf("%w (file %s)", err, f.Name())
	}
	return v, nil
}

// newCSVReader returns a strict CSV reader: every record must have the
// same number of fields as the first (or as fields, when > 0), and quotes
// follow RFC 4180.
func newCSVReader(r io.Reader, fields int) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = fields
	cr.ReuseRecord = true
	return cr
}

// eachRecord calls fn with every record of cr, reporting malformed CSV
// with its line, and an error when there is no record at all.
func eachRecord(set string, cr *csv.Reader, fn func(f []string) error) error {
	n := 0
	for ; ; n++ {
		f, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(set, err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	if n == 0 {
		return fmt.Errorf("datasets: %s: no records", set)
	}
	return nil
}

// csvError reports a malformed record. encoding/csv's ParseError already
// carries the line; other errors (I/O, gzip) are wrapped as they are.
func csvError(set string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("datasets: %s: line %d: %w", set, pe.Line, pe.Err)
	}
	return fmt.Errorf("datasets: %s: %w", set, err)
}

// fieldError reports a bad field with its line and column name.
func fieldError(set string, cr *csv.Reader, field int, name, value, problem string) error {
	line, _ := cr.FieldPos(field)
	return fmt.Errorf("datasets: %s: line %d, field %d (%s): %s %q", set, line, field+1, name, problem, value)
}

// parseFinite parses one numeric CSV field, rejecting NaN and ±Inf.
func parseFinite(set string, cr *csv.Reader, field int, name, value string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil {
		return 0, fieldError(set, cr, field, name, value, "not a number:")
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fieldError(set, cr, field, name, value, "not finite:")
	}
	return v, nil
}
