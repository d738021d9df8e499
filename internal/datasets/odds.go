package datasets

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Outliers is an outlier-detection benchmark set in the style of the ODDS
// library (Rayana 2016): numeric feature rows and a binary label kept
// beside them for evaluation.
type Outliers struct {
	Name     string
	Features []string    // column names
	X        [][]float64 // one row per record
	Anomaly  []bool      // true for outliers; never give it to a detector
}

// Anomalies counts the outliers.
func (o *Outliers) Anomalies() int {
	n := 0
	for _, a := range o.Anomaly {
		if a {
			n++
		}
	}
	return n
}

// The label column of the ODDS-style CSVs.
const (
	oddsNominal = "nominal"
	oddsAnomaly = "anomaly"
)

// ReadODDS parses an ODDS-style CSV: a header "label,v1,…,vN", then one
// record per line whose label is "nominal" or "anomaly" followed by N
// finite numbers. Errors name the line.
func ReadODDS(r io.Reader) (*Outliers, error) {
	const set = "odds"
	cr := newCSVReader(r, 0)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("datasets: %s: empty file", set)
	}
	if err != nil {
		return nil, csvError(set, err)
	}
	if len(header) < 2 || strings.TrimSpace(header[0]) != "label" {
		return nil, fmt.Errorf("datasets: %s: line 1: header %q, want label,v1,…", set, strings.Join(header, ","))
	}
	o := &Outliers{Features: slices.Clone(header[1:])}
	err = eachRecord(set, cr, func(f []string) error {
		switch strings.TrimSpace(f[0]) {
		case oddsNominal:
			o.Anomaly = append(o.Anomaly, false)
		case oddsAnomaly:
			o.Anomaly = append(o.Anomaly, true)
		default:
			return fieldError(set, cr, 0, "label", f[0], "want nominal or anomaly, got")
		}
		row, err := parseRow(set, cr, f[1:], 1, o.Features)
		o.X = append(o.X, row)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ReadNumericCSV parses a headerless CSV of finite numbers, every line with
// as many fields as the first.
func ReadNumericCSV(r io.Reader) ([][]float64, error) {
	const set = "numeric csv"
	cr := newCSVReader(r, 0)
	var x [][]float64
	var names []string
	err := eachRecord(set, cr, func(f []string) error {
		if names == nil {
			for j := range f {
				names = append(names, "v"+strconv.Itoa(j+1))
			}
		}
		row, err := parseRow(set, cr, f, 0, names)
		x = append(x, row)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// ReadBinaryLabels parses one label per line, 0 (normal) or 1 (anomaly).
func ReadBinaryLabels(r io.Reader) ([]bool, error) {
	const set = "labels"
	cr := newCSVReader(r, 1)
	var y []bool
	err := eachRecord(set, cr, func(f []string) error {
		switch strings.TrimSpace(f[0]) {
		case "0":
			y = append(y, false)
		case "1":
			y = append(y, true)
		default:
			return fieldError(set, cr, 0, "label", f[0], "want 0 or 1, got")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return y, nil
}

// parseRow parses the numeric fields f, which start at CSV field first.
func parseRow(set string, cr *csv.Reader, f []string, first int, names []string) ([]float64, error) {
	row := make([]float64, len(f))
	for j, s := range f {
		v, err := parseFinite(set, cr, first+j, names[j], s)
		if err != nil {
			return nil, err
		}
		row[j] = v
	}
	return row, nil
}

// smtpSet is the ODDS "smtp (KDDCUP99)" set, which comes as a headerless
// feature file and a separate label file.
const smtpSet = "smtp"

// ODDS reads the outlier set name ("annthyroid", "breastw", …, "smtp") from
// the shared data's odds folder.
func ODDS(name string) (*Outliers, error) {
	dir, err := Path("odds")
	if err != nil {
		return nil, err
	}
	if name == smtpSet {
		return readSMTP(dir)
	}
	o, err := readTextFile(filepath.Join(dir, name+".csv"), ReadODDS)
	if err != nil {
		return nil, err
	}
	o.Name = name
	return o, nil
}

func readSMTP(dir string) (*Outliers, error) {
	x, err := readTextFile(filepath.Join(dir, smtpSet+".csv"), ReadNumericCSV)
	if err != nil {
		return nil, err
	}
	y, err := readTextFile(filepath.Join(dir, smtpSet+"_labels.csv"), ReadBinaryLabels)
	if err != nil {
		return nil, err
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("datasets: smtp: %d feature rows but %d labels", len(x), len(y))
	}
	// Columns as ODDS lists them; PROVENANCE.md: likely ln(x + 0.1) of each.
	return &Outliers{Name: smtpSet, Features: []string{"duration", "src_bytes", "dst_bytes"}, X: x, Anomaly: y}, nil
}

// ODDSSets lists the outlier sets present in the shared data's odds folder,
// sorted by name.
func ODDSSets() ([]string, error) {
	dir, err := Path("odds")
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case n == smtpSet+".csv.gz" || n == smtpSet+".csv":
			names = append(names, smtpSet)
		case strings.HasSuffix(n, ".csv") && !strings.HasSuffix(n, "_labels.csv"):
			names = append(names, strings.TrimSuffix(n, ".csv"))
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
