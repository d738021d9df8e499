package anomaly

import (
	"fmt"
	"math"
)

// matrix is a row-major float32 copy of the rows a tree is grown on. Like
// scikit-learn, which converts X to float32 for its trees, features are
// rounded to float32 while thresholds stay float64.
type matrix struct {
	data []float32
	n, d int
}

func (m *matrix) row(i int) []float32 { return m.data[i*m.d : (i+1)*m.d] }

// checkRows validates X: at least one row and one feature, equal row
// lengths, values finite as float32 (scikit-learn rejects 1e300 for the
// same reason: it overflows the trees' float32), and width want when
// want > 0. It returns the width.
func checkRows(x [][]float64, want int) (int, error) {
	if len(x) == 0 || len(x[0]) == 0 {
		return 0, fmt.Errorf("%w: %d rows of %d features", ErrEmpty, len(x), width(x))
	}
	d := len(x[0])
	if want > 0 && d != want {
		return 0, fmt.Errorf("%w: data has %d features, the model %d", ErrFeatureCount, d, want)
	}
	for i, r := range x {
		if len(r) != d {
			return 0, fmt.Errorf("%w: row %d has %d features, row 0 has %d", ErrRagged, i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(float64(float32(v)), 0) {
				return 0, fmt.Errorf("%w: row %d, feature %d is %v (finite float32 values only)", ErrNonFinite, i, j, v)
			}
		}
	}
	return d, nil
}

func width(x [][]float64) int {
	if len(x) == 0 {
		return 0
	}
	return len(x[0])
}

// gather converts the given rows of x (already validated) into a float32
// matrix: the sub-sample one tree is grown on.
func gather(x [][]float64, rows []int) *matrix {
	d := len(x[0])
	m := &matrix{data: make([]float32, len(rows)*d), n: len(rows), d: d}
	for i, r := range rows {
		fillRow(m.row(i), x[r])
	}
	return m
}

// allRows returns the indices of m's rows, for a grower to reorder.
func allRows(m *matrix) []int {
	rows := make([]int, m.n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

func fillRow(dst []float32, src []float64) {
	for j, v := range src {
		dst[j] = float32(v)
	}
}
