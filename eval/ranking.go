package eval

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Ranking is a binary problem's scores sorted once, from which every
// threshold metric is read: ROC and precision–recall curves, ROC AUC, average
// precision, precision@K, recall@K and recall at a fixed false-positive rate.
// Build one with NewRanking when you need several numbers from the same
// scores (an alert queue's report); the package-level ROCAUC,
// AveragePrecision, ROCCurve and PrecisionRecallCurve build one for a single
// answer. A Ranking is read-only after construction and safe for concurrent
// use.
type Ranking struct {
	// thresholds are the distinct scores in decreasing order; tps[i] and
	// fps[i] count the positives and negatives scoring >= thresholds[i]
	// (scikit-learn's _binary_clf_curve). Counts are float64 so rates divide
	// exactly as NumPy does.
	thresholds []float64
	tps, fps   []float64
	pos, neg   float64
}

// NewRanking sorts the scores of a binary problem: yTrue holds 0 (negative)
// or 1 (positive), score is larger for "more positive". It returns ErrLength,
// ErrEmpty, ErrLabel or ErrNaN for unusable input. A Ranking with one class
// is valid; the metrics that need the missing class return ErrOneClass.
func NewRanking(yTrue []int, score []float64) (*Ranking, error) {
	pos, neg, err := checkBinary(yTrue, score)
	if err != nil {
		return nil, err
	}
	// Sorting each class separately and merging from the top is faster than
	// sorting (score, label) pairs: slices.Sort on plain float64 needs no
	// comparison closure.
	ps := make([]float64, 0, pos)
	ns := make([]float64, 0, neg)
	for i, y := range yTrue {
		if y == 1 {
			ps = append(ps, score[i])
		} else {
			ns = append(ns, score[i])
		}
	}
	slices.Sort(ps)
	slices.Sort(ns)
	r := &Ranking{pos: float64(pos), neg: float64(neg)}
	i, j := len(ps)-1, len(ns)-1
	var tp, fp float64
	for i >= 0 || j >= 0 {
		var t float64
		switch {
		case i < 0:
			t = ns[j]
		case j < 0:
			t = ps[i]
		default:
			t = max(ps[i], ns[j])
		}
		for i >= 0 && ps[i] == t {
			tp++
			i--
		}
		for j >= 0 && ns[j] == t {
			fp++
			j--
		}
		r.thresholds = append(r.thresholds, t)
		r.tps = append(r.tps, tp)
		r.fps = append(r.fps, fp)
	}
	return r, nil
}

// Len is the number of samples ranked.
func (r *Ranking) Len() int { return int(r.pos + r.neg) }

// Positives is the number of samples labelled 1.
func (r *Ranking) Positives() int { return int(r.pos) }

func (r *Ranking) needBoth() error {
	if r.pos == 0 || r.neg == 0 {
		return fmt.Errorf("%w: %v positives, %v negatives", ErrOneClass, r.pos, r.neg)
	}
	return nil
}

func (r *Ranking) needPositives() error {
	if r.pos == 0 {
		return fmt.Errorf("%w: no positives", ErrOneClass)
	}
	return nil
}

// expectedHits is the expected number of positives among the K top-scored
// samples when ties at the cut are broken uniformly at random: the samples
// above the cut's tie group count fully, the group contributes its positive
// share of the slots left.
func (r *Ranking) expectedHits(k int) (float64, error) {
	n := r.Len()
	if k < 1 || k > n {
		return 0, fmt.Errorf("%w: K = %d, need 1 ≤ K ≤ %d", ErrArgument, k, n)
	}
	kf := float64(k)
	g := sort.Search(len(r.tps), func(i int) bool { return r.tps[i]+r.fps[i] >= kf })
	var aboveTP, aboveN float64
	if g > 0 {
		aboveTP, aboveN = r.tps[g-1], r.tps[g-1]+r.fps[g-1]
	}
	groupTP := r.tps[g] - aboveTP
	groupN := r.tps[g] + r.fps[g] - aboveN
	return aboveTP + (kf-aboveN)*groupTP/groupN, nil
}

// PrecisionAtK is the fraction of positives among the K highest scores: the
// precision of an analyst who reviews the top K alerts. Scores tied across
// the cut are shared out in expectation (each tied sample counts with the
// probability that a random tie-break puts it in the top K), so the result
// does not depend on input order. K must be in [1, Len()].
func (r *Ranking) PrecisionAtK(k int) (float64, error) {
	hits, err := r.expectedHits(k)
	if err != nil {
		return 0, err
	}
	return hits / float64(k), nil
}

// RecallAtK is the fraction of all positives found among the K highest
// scores, with ties at the cut handled as in PrecisionAtK. It returns
// ErrOneClass when there are no positives.
func (r *Ranking) RecallAtK(k int) (float64, error) {
	if err := r.needPositives(); err != nil {
		return 0, err
	}
	hits, err := r.expectedHits(k)
	if err != nil {
		return 0, err
	}
	return hits / r.pos, nil
}

// OperatingPoint is one threshold of a detector: samples with score >=
// Threshold are flagged. Threshold is +Inf when the point flags nothing.
type OperatingPoint struct {
	Threshold      float64
	Recall, FPR    float64 // true- and false-positive rates
	TruePositives  int
	FalsePositives int
}

// RecallAtFPR returns the threshold with the highest recall whose
// false-positive rate does not exceed maxFPR — the usual way to report a
// detector that must stay under an alert budget ("recall at 0.1% FPR"). Only
// real thresholds count: the ROC curve is not interpolated between them,
// because a fixed threshold cannot realise an interpolated point. The answer
// is the point of scikit-learn's roc_curve(drop_intermediate=False) with the
// largest TPR among those with FPR <= maxFPR. It returns ErrOneClass unless
// both classes are present and ErrArgument unless 0 <= maxFPR <= 1.
func (r *Ranking) RecallAtFPR(maxFPR float64) (OperatingPoint, error) {
	if err := r.needBoth(); err != nil {
		return OperatingPoint{}, err
	}
	if !(maxFPR >= 0 && maxFPR <= 1) {
		return OperatingPoint{}, fmt.Errorf("%w: maxFPR = %v, need [0, 1]", ErrArgument, maxFPR)
	}
	best := OperatingPoint{Threshold: math.Inf(1)}
	for i, fp := range r.fps {
		if fp/r.neg > maxFPR {
			break
		}
		best = OperatingPoint{
			Threshold:      r.thresholds[i],
			Recall:         r.tps[i] / r.pos,
			FPR:            fp / r.neg,
			TruePositives:  int(r.tps[i]),
			FalsePositives: int(fp),
		}
	}
	return best, nil
}
