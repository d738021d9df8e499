package lanl

import (
	"fmt"
	"math"

	"github.com/mlprep/mlprep/eval"
)

// Labels marks each incident 1 if the red-team file has an event of its
// user in its window, else 0. unmatched counts red-team events with no
// incident: in the training period, or never seen in the auth data. The
// red-team events must have been read with the Dictionary of the auth data.
func Labels(incs []Incident, redteam []RedTeamEvent, window int64) (labels []int, unmatched int) {
	if window <= 0 {
		window = secondsPerDay
	}
	type key struct {
		user uint32
		w    int64
	}
	bad := make(map[key]bool, len(redteam))
	for _, e := range redteam {
		bad[key{e.User, e.Time / window}] = false
	}
	labels = make([]int, len(incs))
	for i, in := range incs {
		k := key{in.User, in.Window}
		if _, ok := bad[k]; ok {
			labels[i] = 1
			bad[k] = true
		}
	}
	for _, e := range redteam {
		if !bad[key{e.User, e.Time / window}] {
			unmatched++
		}
	}
	return labels, unmatched
}

// Evaluation holds a variant's detection figures against the labels.
// Figures that are undefined on the data (precision@100 with fewer than
// 100 incidents, anything without positives) are NaN.
type Evaluation struct {
	Variant    Variant
	Incidents  int
	Positives  int
	PrecisionK map[int]float64 // precision@K for K = 10, 50, 100
	// RecallAtFPR holds recall at a false-positive rate of at most 0.1%
	// and 1% (keys 0.001, 0.01).
	RecallAtFPR map[float64]float64
	ROCAUC      float64
	AP          float64 // average precision
	PR          eval.PR // the precision–recall curve
}

// EvaluationKs and EvaluationFPRs are the cut-offs Evaluate reports.
var (
	EvaluationKs   = []int{10, 50, 100}
	EvaluationFPRs = []float64{0.001, 0.01}
)

// Evaluate scores one variant's ranking against the labels with eval's
// ranking metrics. It returns an error only for unusable input (lengths,
// NaN scores); metrics the data cannot define are NaN.
func Evaluate(v Variant, labels []int, score []float64) (Evaluation, error) {
	ev := Evaluation{Variant: v, Incidents: len(labels), PrecisionK: map[int]float64{},
		RecallAtFPR: map[float64]float64{}, ROCAUC: math.NaN(), AP: math.NaN()}
	r, err := eval.NewRanking(labels, score)
	if err != nil {
		return ev, fmt.Errorf("lanl: evaluating %v: %w", v, err)
	}
	ev.Positives = r.Positives()
	for _, k := range EvaluationKs {
		ev.PrecisionK[k] = undefinedAsNaN(r.PrecisionAtK(k))
	}
	for _, f := range EvaluationFPRs {
		op, err := r.RecallAtFPR(f)
		ev.RecallAtFPR[f] = undefinedAsNaN(op.Recall, err)
	}
	ev.ROCAUC = undefinedAsNaN(r.AUC())
	ev.AP = undefinedAsNaN(r.AveragePrecision())
	if pr, err := r.PrecisionRecall(); err == nil {
		ev.PR = pr
	}
	return ev, nil
}

// undefinedAsNaN maps a metric eval cannot define on these labels (one
// class, K beyond the list) to NaN.
func undefinedAsNaN(x float64, err error) float64 {
	if err != nil {
		return math.NaN()
	}
	return x
}
