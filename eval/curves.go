package eval

// ROC is a receiver operating characteristic curve as scikit-learn 1.2's
// roc_curve returns it: points in order of decreasing threshold, starting at
// (0, 0), with collinear intermediate points dropped (drop_intermediate=True;
// they do not change the area). Thresholds[i] is the score at or above which
// samples are flagged to reach (FPR[i], TPR[i]); Thresholds[0] is the largest
// score plus one, scikit-learn 1.2's marker for "flag nothing" (1.3 and later
// use +Inf).
type ROC struct {
	FPR, TPR, Thresholds []float64
}

// ROC returns the ROC curve, or ErrOneClass unless both classes are present
// (scikit-learn warns and returns NaN rates instead).
func (r *Ranking) ROC() (ROC, error) {
	if err := r.needBoth(); err != nil {
		return ROC{}, err
	}
	keep := r.cornerIndices()
	c := ROC{
		FPR:        make([]float64, 1, len(keep)+1),
		TPR:        make([]float64, 1, len(keep)+1),
		Thresholds: make([]float64, 1, len(keep)+1),
	}
	c.Thresholds[0] = r.thresholds[0] + 1
	for _, i := range keep {
		c.FPR = append(c.FPR, r.fps[i]/r.neg)
		c.TPR = append(c.TPR, r.tps[i]/r.pos)
		c.Thresholds = append(c.Thresholds, r.thresholds[i])
	}
	return c, nil
}

// cornerIndices keeps the first and last thresholds and every one where the
// curve turns (a non-zero second difference of either count), which is
// scikit-learn's drop_intermediate rule.
func (r *Ranking) cornerIndices() []int {
	n := len(r.tps)
	if n <= 2 {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := []int{0}
	for i := 1; i < n-1; i++ {
		if (r.fps[i+1]-r.fps[i])-(r.fps[i]-r.fps[i-1]) != 0 || (r.tps[i+1]-r.tps[i])-(r.tps[i]-r.tps[i-1]) != 0 {
			idx = append(idx, i)
		}
	}
	return append(idx, n-1)
}

// AUC is the area under the ROC curve by the trapezoidal rule, which equals
// the probability that a random positive outscores a random negative (ties
// count one half). It returns ErrOneClass unless both classes are present,
// as scikit-learn's roc_auc_score raises.
func (r *Ranking) AUC() (float64, error) {
	c, err := r.ROC()
	if err != nil {
		return 0, err
	}
	var area float64
	for i := 1; i < len(c.FPR); i++ {
		area += (c.FPR[i] - c.FPR[i-1]) * (c.TPR[i] + c.TPR[i-1]) / 2
	}
	return area, nil
}

// PR is a precision–recall curve as scikit-learn's precision_recall_curve
// returns it: in order of increasing threshold (decreasing recall), one point
// per distinct score, then a final point (precision 1, recall 0) with no
// threshold, so len(Thresholds) = len(Precision) - 1.
type PR struct {
	Precision, Recall, Thresholds []float64
}

// PrecisionRecall returns the precision–recall curve, or ErrOneClass when
// there are no positives (scikit-learn warns and sets recall to 1).
func (r *Ranking) PrecisionRecall() (PR, error) {
	if err := r.needPositives(); err != nil {
		return PR{}, err
	}
	n := len(r.tps)
	c := PR{
		Precision:  make([]float64, n+1),
		Recall:     make([]float64, n+1),
		Thresholds: make([]float64, n),
	}
	for i := range n {
		j := n - 1 - i
		c.Precision[j] = r.tps[i] / (r.tps[i] + r.fps[i])
		c.Recall[j] = r.tps[i] / r.pos
		c.Thresholds[j] = r.thresholds[i]
	}
	c.Precision[n] = 1
	return c, nil
}

// AveragePrecision summarises the precision–recall curve as the mean of the
// precisions at each threshold weighted by the recall gained there,
// AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ — scikit-learn's average_precision_score, a step
// integral that, unlike the trapezoidal area under the PR curve, is not
// optimistic. It returns ErrOneClass when there are no positives
// (scikit-learn 1.2 warns and returns 0).
func (r *Ranking) AveragePrecision() (float64, error) {
	if err := r.needPositives(); err != nil {
		return 0, err
	}
	var ap, prevRecall float64
	for i, tp := range r.tps {
		recall := tp / r.pos
		ap += (recall - prevRecall) * (tp / (tp + r.fps[i]))
		prevRecall = recall
	}
	return ap, nil
}

// ROCAUC is scikit-learn's roc_auc_score for binary labels (0/1) and
// scores; see Ranking.AUC.
func ROCAUC(yTrue []int, score []float64) (float64, error) {
	r, err := NewRanking(yTrue, score)
	if err != nil {
		return 0, err
	}
	return r.AUC()
}

// AveragePrecision is scikit-learn's average_precision_score for binary
// labels (0/1) and scores; see Ranking.AveragePrecision.
func AveragePrecision(yTrue []int, score []float64) (float64, error) {
	r, err := NewRanking(yTrue, score)
	if err != nil {
		return 0, err
	}
	return r.AveragePrecision()
}

// ROCCurve is scikit-learn's roc_curve for binary labels (0/1) and scores;
// see Ranking.ROC.
func ROCCurve(yTrue []int, score []float64) (ROC, error) {
	r, err := NewRanking(yTrue, score)
	if err != nil {
		return ROC{}, err
	}
	return r.ROC()
}

// PrecisionRecallCurve is scikit-learn's precision_recall_curve for binary
// labels (0/1) and scores; see Ranking.PrecisionRecall.
func PrecisionRecallCurve(yTrue []int, score []float64) (PR, error) {
	r, err := NewRanking(yTrue, score)
	if err != nil {
		return PR{}, err
	}
	return r.PrecisionRecall()
}
