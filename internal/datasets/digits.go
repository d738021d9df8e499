package datasets

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// digitsCSV is scikit-learn's load_digits data (BSD-3-Clause, from Debian's
// python3-sklearn 1.2.1): 1,797 rows of 64 pixels (0–16) and a label.
//
//go:embed digits.csv.gz
var digitsCSV []byte

// Digits returns the embedded scikit-learn 8×8 digits with pixels scaled to
// [0, 1] (divided by 16).
func Digits() *Images {
	s, err := ReadDigitsCSV(bytes.NewReader(digitsCSV))
	if err != nil {
		panic("datasets: embedded digits are corrupt: " + err.Error())
	}
	return s
}

// ReadDigitsCSV reads digits in scikit-learn's CSV layout (gzip-compressed):
// 64 pixel values 0–16 then a label 0–9 per line.
func ReadDigitsCSV(r io.Reader) (*Images, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("datasets: digits: %w", err)
	}
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = 65
	s := &Images{Width: 8, Height: 8, Classes: 10}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("datasets: digits: %w", err)
		}
		for j, f := range rec {
			v, err := strconv.Atoi(f)
			if err != nil || v < 0 || (j < 64 && v > 16) || (j == 64 && v > 9) {
				return nil, fmt.Errorf("datasets: digits line %d field %d: bad value %q", line, j+1, f)
			}
			if j < 64 {
				s.X = append(s.X, float32(v)/16)
			} else {
				s.Y = append(s.Y, v)
			}
		}
		s.N++
	}
	if s.N == 0 {
		return nil, fmt.Errorf("datasets: digits: no rows")
	}
	return s, nil
}
