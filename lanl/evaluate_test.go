package lanl

import (
	"context"
	"math"
	"testing"
)

// TestEvaluateHandLabelled checks the evaluation on a case small enough to
// work out: 20 incidents, 2 red-team users.
func TestEvaluateHandLabelled(t *testing.T) {
	var incs []Incident
	for u := range 10 {
		for w := int64(1); w <= 2; w++ {
			incs = append(incs, Incident{User: uint32(u), Window: w})
		}
	}
	red := []RedTeamEvent{
		{Time: 86400 + 5, User: 3},   // user 3, window 1
		{Time: 2*86400 + 7, User: 7}, // user 7, window 2
		{Time: 2*86400 + 9, User: 7}, // same incident
		{Time: 100, User: 1},         // training period: no incident
		{Time: 30 * 86400, User: 2},  // after the data: no incident
	}
	labels, unmatched := Labels(incs, red, 0)
	if unmatched != 2 {
		t.Errorf("unmatched %d, want 2", unmatched)
	}
	pos := 0
	for i, y := range labels {
		if y == 1 {
			pos++
			if in := incs[i]; !(in.User == 3 && in.Window == 1 || in.User == 7 && in.Window == 2) {
				t.Errorf("incident %+v labelled 1", in)
			}
		}
	}
	if pos != 2 {
		t.Fatalf("%d positives, want 2", pos)
	}
	// Scores put user 3's incident first and user 7's fourth.
	score := make([]float64, len(incs))
	for i, in := range incs {
		score[i] = float64(len(incs) - i)
		switch {
		case in.User == 3 && in.Window == 1:
			score[i] = 100
		case in.User == 7 && in.Window == 2:
			score[i] = 50
		case in.User == 0:
			score[i] = 60 + float64(in.Window)
		}
	}
	ev, err := Evaluate(VariantFusion, labels, score)
	if err != nil {
		t.Fatal(err)
	}
	// Ranking: u3 (pos), u0w2, u0w1, u7 (pos), then 16 negatives.
	if ev.PrecisionK[10] != 0.2 || !math.IsNaN(ev.PrecisionK[50]) {
		t.Errorf("precision@10 %v (want 0.2), @50 %v (want NaN: 20 incidents)", ev.PrecisionK[10], ev.PrecisionK[50])
	}
	// 18 negatives: FPR 1% allows none → recall 0.5; 0.1% the same.
	if ev.RecallAtFPR[0.01] != 0.5 || ev.RecallAtFPR[0.001] != 0.5 {
		t.Errorf("recall at FPR %v", ev.RecallAtFPR)
	}
	// AUC: u3 beats all 18 negatives, u7 beats 16 of 18: (18+16)/36.
	if want := 34.0 / 36; math.Abs(ev.ROCAUC-want) > 1e-12 {
		t.Errorf("AUC %v, want %v", ev.ROCAUC, want)
	}
	// AP: precision 1 at recall 0.5, 2/4 at recall 1: 0.5·1 + 0.5·0.5.
	if math.Abs(ev.AP-0.75) > 1e-12 {
		t.Errorf("AP %v, want 0.75", ev.AP)
	}
	alerts := Alerts(incs, score, 3)
	if len(alerts) != 3 || alerts[0].User != 3 || alerts[0].Rank != 1 || alerts[2].User != 0 {
		t.Errorf("alerts %+v", alerts)
	}
}

func TestScoreVariantsAndReasons(t *testing.T) {
	var incs []Incident
	for u := range 300 {
		incs = append(incs, Incident{User: uint32(u), Window: 1, Events: int32(10 + u%7),
			Destinations: int32(2 + u%3), MaxScore: 5 + float64(u%11)/10, MaxHourSurprise: 2 + float64(u%5)/10})
	}
	incs[42].NewDestinations, incs[42].NewEdges, incs[42].Novelty, incs[42].Burst = 12, 12, 150, 9
	incs[42].Chain, incs[42].NewSources, incs[42].SourceFanIn, incs[42].MaxHourSurprise = 3, 1, 4, 9
	for _, v := range Variants() {
		s, err := Score(context.Background(), incs, v, 1)
		if err != nil {
			t.Fatal(v, err)
		}
		if v == VariantEventScore {
			continue // the event score alone cannot see novelty
		}
		if top := Alerts(incs, s, 1)[0]; top.User != 42 {
			t.Errorf("%v: top alert is user %d, want 42", v, top.User)
		}
	}
	s, _ := Score(context.Background(), incs, VariantFusion, 1)
	a := Alerts(incs, s, 1)[0]
	if len(a.Reasons) != 3 {
		t.Errorf("reasons %q, want 3", a.Reasons)
	}
	if _, err := Score(context.Background(), nil, VariantFusion, 1); err == nil {
		t.Error("no incidents: no error")
	}
	if _, err := Score(context.Background(), incs, Variant(99), 1); err == nil {
		t.Error("unknown variant: no error")
	}
}
