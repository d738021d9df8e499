package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoData reports that no shared data directory was found.
var ErrNoData = errors.New("datasets: no data directory (set MLPREP_DATA or place shared/data beside the module)")

// Dir returns the shared data directory: $MLPREP_DATA if set, else the first
// shared/data found beside a directory that holds go.mod, walking up from the
// working directory.
func Dir() (string, error) {
	if d := os.Getenv("MLPREP_DATA"); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("datasets: MLPREP_DATA=%q is not a directory", d)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(d), "shared", "data")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", ErrNoData
		}
	}
}

// Path returns the path of a file or folder inside the shared data directory,
// checking that it exists.
func Path(elem ...string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{d}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("datasets: %w", err)
	}
	return p, nil
}
