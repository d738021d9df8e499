package lanl

import (
	"bytes"
	"context"
	"testing"

	"github.com/mlprep/mlprep/internal/datasets"
)

// detect generates a data set, analyses it and evaluates every variant,
// returning the best precision@10 and recall at 1% FPR (of one variant).
func detect(t *testing.T, s Synth, trainDays int) (best Evaluation) {
	t.Helper()
	auth, red, _ := generate(t, s)
	d := NewDictionary()
	rt, _, err := ReadRedTeam(bytes.NewReader(red), d, ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	an, err := Analyze(context.Background(), NewAuthReader(bytes.NewReader(auth), d, ReadOptions{Strict: true}), Config{TrainDays: trainDays})
	if err != nil {
		t.Fatal(err)
	}
	labels, unmatched := Labels(an.Incidents, rt, 0)
	if unmatched != 0 {
		t.Errorf("%d red-team events without an incident", unmatched)
	}
	for _, v := range Variants() {
		score, err := Score(context.Background(), an.Incidents, v, 1)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := Evaluate(v, labels, score)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-18v P@10 %.2f  R@1%%FPR %.2f  AUC %.3f  AP %.3f  (%d of %d incidents positive)",
			v, ev.PrecisionK[10], ev.RecallAtFPR[0.01], ev.ROCAUC, ev.AP, ev.Positives, ev.Incidents)
		if ev.PrecisionK[10]+ev.RecallAtFPR[0.01] > best.PrecisionK[10]+best.RecallAtFPR[0.01] {
			best = ev
		}
	}
	return best
}

// TestDetectionInjectedCampaigns is the detection target on generated
// campaigns: the best variant reaches precision@10 ≥ 0.8 and recall ≥ 0.9
// at 1% false positives.
func TestDetectionInjectedCampaigns(t *testing.T) {
	s := Synth{Seed: 7, Lines: 1_000_000, Users: 1500, Computers: 1800, Days: 12, TrainDays: 3, Campaigns: 15}
	if testing.Short() {
		s.Lines, s.Users, s.Computers = 300_000, 600, 700
	}
	best := detect(t, s, 3)
	if best.PrecisionK[10] < 0.8 || best.RecallAtFPR[0.01] < 0.9 {
		t.Errorf("best variant %v: P@10 %.2f, R@1%% %.2f; want ≥ 0.8 and ≥ 0.9",
			best.Variant, best.PrecisionK[10], best.RecallAtFPR[0.01])
	}
}

// TestDetectionRealRedTeamWoven weaves LANL's real red-team events into
// generated background and holds the best variant to the same targets.
func TestDetectionRealRedTeamWoven(t *testing.T) {
	if testing.Short() {
		t.Skip("30 days of background: skipped in -short")
	}
	path, err := datasets.Path("lanl", "redteam.txt.gz")
	if err != nil {
		t.Skipf("real red-team file not available (%v): see ../shared/data/lanl/PROVENANCE.md", err)
	}
	in, err := Open(path)
	if err != nil {
		t.Skipf("real red-team file not available (%v): see ../shared/data/lanl/PROVENANCE.md", err)
	}
	defer in.Close()
	d := NewDictionary()
	real, _, err := ReadRedTeam(in, d, ReadOptions{Strict: true})
	if err != nil || len(real) != 749 {
		t.Fatalf("%d red-team events, err %v; want 749", len(real), err)
	}
	weave := make([]NamedRedTeamEvent, len(real))
	for i, e := range real {
		weave[i] = d.Named(e)
	}
	best := detect(t, Synth{Seed: 7, Lines: 1_500_000, Users: 2000, Computers: 2400, Days: 30, Weave: weave}, 1)
	if best.PrecisionK[10] < 0.8 || best.RecallAtFPR[0.01] < 0.9 {
		t.Errorf("best variant %v: P@10 %.2f, R@1%% %.2f; want ≥ 0.8 and ≥ 0.9",
			best.Variant, best.PrecisionK[10], best.RecallAtFPR[0.01])
	}
}
