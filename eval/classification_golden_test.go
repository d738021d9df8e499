package eval

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

var averages = map[string]Average{"binary": Binary, "micro": Micro, "macro": Macro, "weighted": Weighted}

func TestLabelMetricsMatchScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).Labelled {
		t.Run(c.Name, func(t *testing.T) {
			acc, err := Accuracy(c.Y, c.Pred)
			require.NoError(t, err)
			requireRel(t, c.Accuracy, acc, sklearnTol, "accuracy")
			bal, err := BalancedAccuracy(c.Y, c.Pred)
			require.NoError(t, err)
			requireRel(t, c.BalancedAccuracy, bal, sklearnTol, "balanced accuracy")
			mcc, err := MCC(c.Y, c.Pred)
			require.NoError(t, err)
			requireRel(t, c.MCC, mcc, sklearnTol, "mcc")
			cm, err := ConfusionMatrix(c.Y, c.Pred, c.Labels)
			require.NoError(t, err)
			require.Equal(t, c.Confusion, cm.Counts)

			for _, g := range c.PRF {
				o := PRFOptions{Labels: c.Labels, ZeroDivision: g.ZeroDivision, Average: averages[g.Average]}
				msg := []any{"average", g.Average, "zero_division", g.ZeroDivision}
				if g.Average == "none" {
					var want struct{ p, r, f []float64 }
					for _, f := range []struct {
						raw json.RawMessage
						dst *[]float64
					}{{g.Precision, &want.p}, {g.Recall, &want.r}, {g.F1, &want.f}} {
						require.NoError(t, json.Unmarshal(f.raw, f.dst))
					}
					per, err := PerClassPRF(c.Y, c.Pred, o)
					require.NoError(t, err)
					require.Len(t, per, len(want.p))
					for i, s := range per {
						requireRel(t, want.p[i], s.Precision, sklearnTol, msg...)
						requireRel(t, want.r[i], s.Recall, sklearnTol, msg...)
						requireRel(t, want.f[i], s.F1, sklearnTol, msg...)
						require.Equal(t, g.Support[i], s.Support)
					}
					continue
				}
				var p, r, f float64
				require.NoError(t, json.Unmarshal(g.Precision, &p))
				require.NoError(t, json.Unmarshal(g.Recall, &r))
				require.NoError(t, json.Unmarshal(g.F1, &f))
				got, err := PrecisionRecallF1(c.Y, c.Pred, o)
				require.NoError(t, err, msg...)
				requireRel(t, p, got.Precision, sklearnTol, msg...)
				requireRel(t, r, got.Recall, sklearnTol, msg...)
				requireRel(t, f, got.F1, sklearnTol, msg...)
			}
		})
	}
}

func TestProbabilityMetricsMatchScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).Proba {
		t.Run(c.Name, func(t *testing.T) {
			ll, err := LogLoss(c.Y, c.Proba, c.Labels)
			require.NoError(t, err)
			requireRel(t, c.LogLoss, ll, sklearnTol, "log loss")
			for avg, want := range map[Average]*float64{Macro: c.AUCOvRMacro, Weighted: c.AUCOvRWeighted, Micro: c.AUCOvRMicro} {
				if want == nil {
					continue
				}
				got, err := ROCAUCOvR(c.Y, c.Proba, c.Labels, avg)
				require.NoError(t, err)
				requireRel(t, *want, got, sklearnTol, "ovr auc", avg)
			}
		})
	}
}

func TestCalibrationMatchesScikitLearn(t *testing.T) {
	for _, c := range loadGolden(t).Calibration {
		t.Run(c.Name, func(t *testing.T) {
			b, err := BrierScore(c.Y, c.Prob)
			require.NoError(t, err)
			requireRel(t, c.Brier, b, sklearnTol, "brier")
			for _, g := range c.Curves {
				cal, err := CalibrationCurve(c.Y, c.Prob, CalibrationOptions{Bins: g.Bins, Quantile: g.Strategy == "quantile"})
				require.NoError(t, err)
				msg := []any{g.Strategy, g.Bins}
				require.Equal(t, g.Count, cal.Count, msg...)
				requireRelSlice(t, g.ProbTrue, cal.ProbTrue, sklearnTol, msg...)
				requireRelSlice(t, g.ProbPred, cal.ProbPred, sklearnTol, msg...)
				requireRel(t, g.ECE, cal.ECE(), sklearnTol, msg...)
			}
		})
	}
}
