package anomaly

import (
	"fmt"
	"math"
)

// Robust z-score scales (Iglewicz & Hoaglin 1993): 1.4826·MAD estimates σ
// for normal data, and 1.253314·(mean absolute deviation) is the fallback
// when more than half the values equal the median and MAD is 0.
const (
	madToSigma    = 1.4826
	meanADToSigma = 1.253314
)

// RobustZ is the median/MAD baseline every detector should beat: each
// feature's distance from its training median in robust standard
// deviations, |x_j − median_j| / scale_j, averaged over features. It
// assumes nothing about the joint distribution and ignores interactions,
// which is exactly what makes it a fair yardstick. Fit it with FitRobustZ;
// its methods only read it and are safe for concurrent use.
type RobustZ struct {
	// Median and Scale are per feature. Scale is 1.4826·MAD, or
	// 1.253314·(mean absolute deviation from the median) when MAD is 0, or
	// 0 for a feature constant in training, which is then ignored.
	Median, Scale []float64
}

// FitRobustZ estimates the per-feature medians and scales of x. It returns
// the data errors of IsolationForest.Fit.
func FitRobustZ(x [][]float64) (*RobustZ, error) {
	d, err := checkRows(x, 0)
	if err != nil {
		return nil, err
	}
	b := &RobustZ{Median: make([]float64, d), Scale: make([]float64, d)}
	col := make([]float64, len(x))
	dev := make([]float64, len(x))
	for j := range d {
		for i, r := range x {
			col[i] = r[j]
		}
		med := percentile(col, 50)
		meanAD := 0.0
		for i, v := range col {
			dev[i] = math.Abs(v - med)
			meanAD += dev[i] / float64(len(col))
		}
		b.Median[j] = med
		switch mad := percentile(dev, 50); {
		case mad > 0:
			b.Scale[j] = madToSigma * mad
		case meanAD > 0:
			b.Scale[j] = meanADToSigma * meanAD
		}
	}
	return b, nil
}

// ScoreSamples returns −mean_j |z_j| for each row, in the forest's
// convention: the lower, the more abnormal. It returns an error for bad
// rows or a width other than len(Median).
func (b *RobustZ) ScoreSamples(x [][]float64) ([]float64, error) {
	if len(b.Median) == 0 || len(b.Median) != len(b.Scale) {
		return nil, fmt.Errorf("%w: RobustZ has %d medians and %d scales", ErrParam, len(b.Median), len(b.Scale))
	}
	if _, err := checkRows(x, len(b.Median)); err != nil {
		return nil, err
	}
	s := make([]float64, len(x))
	for i, r := range x {
		z := 0.0
		for j, v := range r {
			if b.Scale[j] > 0 {
				z += math.Abs(v-b.Median[j]) / b.Scale[j]
			}
		}
		s[i] = -z / float64(len(r))
	}
	return s, nil
}
