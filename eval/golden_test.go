package eval

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// sklearnGolden is testdata/sklearn_golden.json, written by
// scripts/golden/eval.py.
type sklearnGolden struct {
	Binary      []binaryGolden
	Labelled    []labelledGolden
	Proba       []probaGolden
	Calibration []calibrationGolden
}

type labelledGolden struct {
	Name             string
	Y, Pred, Labels  []int
	Accuracy         float64
	BalancedAccuracy float64 `json:"balanced_accuracy"`
	MCC              float64
	Confusion        [][]int
	PRF              []struct {
		Average               string
		ZeroDivision          float64         `json:"zero_division"`
		Precision, Recall, F1 json.RawMessage // a number, or per class a list
		Support               []int
	}
}

type probaGolden struct {
	Name           string
	Y, Labels      []int
	Proba          [][]float64
	LogLoss        float64  `json:"log_loss"`
	AUCOvRMacro    *float64 `json:"auc_ovr_macro"`
	AUCOvRWeighted *float64 `json:"auc_ovr_weighted"`
	AUCOvRMicro    *float64 `json:"auc_ovr_micro"`
}

type calibrationGolden struct {
	Name   string
	Y      []int
	Prob   []float64
	Brier  float64
	Curves []struct {
		Bins     int
		Strategy string
		ProbTrue []float64 `json:"prob_true"`
		ProbPred []float64 `json:"prob_pred"`
		Count    []int
		ECE      float64
	}
}

type binaryGolden struct {
	Name  string
	Y     []int
	Score []float64
	ROC   *struct {
		FPR, TPR, Thresholds []float64
	}
	ROCAUC      *float64 `json:"roc_auc"`
	RecallAtFPR []struct {
		MaxFPR    float64 `json:"max_fpr"`
		Recall    float64
		FPR       float64
		Threshold *float64
	} `json:"recall_at_fpr"`
	PR *struct {
		Precision, Recall, Thresholds []float64
	}
	AveragePrecision *float64 `json:"average_precision"`
	AtK              []struct {
		K         int
		Precision float64
		Recall    *float64
	} `json:"at_k"`
	ConfusionAtMedian [][]int `json:"confusion_at_median"`
}

func loadGolden(t *testing.T) sklearnGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn_golden.json")
	require.NoError(t, err)
	var g sklearnGolden
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

// requireRel checks got against want to a relative tolerance (absolute near 0).
func requireRel(t *testing.T, want, got, tol float64, msg ...any) {
	t.Helper()
	if math.IsNaN(want) && math.IsNaN(got) {
		return
	}
	require.LessOrEqual(t, math.Abs(want-got), tol*max(1e-300, math.Abs(want), math.Abs(got)), msg...)
}

func requireRelSlice(t *testing.T, want, got []float64, tol float64, msg ...any) {
	t.Helper()
	require.Len(t, got, len(want), msg...)
	for i := range want {
		requireRel(t, want[i], got[i], tol, append(msg, "index", i)...)
	}
}

const sklearnTol = 1e-12

// requireDefined checks that the errors are nil when scikit-learn defines
// the metric and ErrOneClass otherwise, and reports whether to compare values.
func requireDefined(t *testing.T, defined bool, errs ...error) bool {
	t.Helper()
	for _, err := range errs {
		if defined {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, ErrOneClass)
		}
	}
	return defined
}

// requireCurve compares a curve's coordinate slices in order.
func requireCurve(t *testing.T, want, got [][]float64) {
	t.Helper()
	for i := range want {
		requireRelSlice(t, want[i], got[i], sklearnTol, "coordinate", i)
	}
}

func TestRankingMetricsMatchScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).Binary {
		t.Run(c.Name, func(t *testing.T) {
			r, err := NewRanking(c.Y, c.Score)
			require.NoError(t, err)

			roc, rocErr := r.ROC()
			auc, aucErr := r.AUC()
			if requireDefined(t, c.ROC != nil, rocErr, aucErr) {
				requireCurve(t, [][]float64{c.ROC.FPR, c.ROC.TPR, c.ROC.Thresholds}, [][]float64{roc.FPR, roc.TPR, roc.Thresholds})
				requireRel(t, *c.ROCAUC, auc, sklearnTol, "auc")
				for _, p := range c.RecallAtFPR {
					op, err := r.RecallAtFPR(p.MaxFPR)
					require.NoError(t, err)
					requireRel(t, p.Recall, op.Recall, sklearnTol, "recall at", p.MaxFPR)
					requireRel(t, p.FPR, op.FPR, sklearnTol, "fpr at", p.MaxFPR)
					if p.Threshold == nil {
						require.True(t, math.IsInf(op.Threshold, 1))
					} else {
						require.Equal(t, *p.Threshold, op.Threshold)
					}
					require.Equal(t, op.Recall, float64(op.TruePositives)/float64(r.Positives()))
				}
			}

			pr, prErr := r.PrecisionRecall()
			ap, apErr := r.AveragePrecision()
			if requireDefined(t, c.PR != nil, prErr, apErr) {
				requireCurve(t, [][]float64{c.PR.Precision, c.PR.Recall, c.PR.Thresholds}, [][]float64{pr.Precision, pr.Recall, pr.Thresholds})
				requireRel(t, *c.AveragePrecision, ap, sklearnTol, "average precision")
			}

			for _, k := range c.AtK {
				p, err := r.PrecisionAtK(k.K)
				require.NoError(t, err)
				requireRel(t, k.Precision, p, sklearnTol, "precision@", k.K)
				rec, err := r.RecallAtK(k.K)
				if requireDefined(t, k.Recall != nil, err) {
					requireRel(t, *k.Recall, rec, sklearnTol, "recall@", k.K)
				}
			}

			pred := make([]int, len(c.Score))
			med := median(c.Score)
			for i, s := range c.Score {
				if s >= med {
					pred[i] = 1
				}
			}
			cm, err := ConfusionMatrix(c.Y, pred, []int{0, 1})
			require.NoError(t, err)
			require.Equal(t, c.ConfusionAtMedian, cm.Counts)
		})
	}
}

// median is NumPy's median (mean of the middle two for even n).
func median(x []float64) float64 {
	s := slices.Sorted(slices.Values(x))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func TestRankingIgnoresInputOrder(t *testing.T) {
	y := []int{1, 0, 1, 0, 0, 1, 0, 0}
	s := []float64{0.9, 0.9, 0.5, 0.5, 0.5, 0.2, 0.1, 0.9}
	a, err := NewRanking(y, s)
	require.NoError(t, err)
	perm := []int{7, 3, 0, 5, 1, 6, 2, 4}
	yp, sp := make([]int, len(y)), make([]float64, len(s))
	for i, j := range perm {
		yp[i], sp[i] = y[j], s[j]
	}
	b, err := NewRanking(yp, sp)
	require.NoError(t, err)
	require.Equal(t, a, b)
	// K = 2 cuts the three samples tied at 0.9 (one positive): 2·(1/3).
	p, err := a.PrecisionAtK(2)
	require.NoError(t, err)
	require.InDelta(t, 1.0/3, p, 1e-15)
}
