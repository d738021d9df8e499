package lanl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func generate(t testing.TB, s Synth) (auth, red []byte, st SynthStats) {
	t.Helper()
	var a, r bytes.Buffer
	st, err := s.Generate(context.Background(), &a, &r)
	if err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), r.Bytes(), st
}

// TestSynthRoundTrip reads generated files back: every line parses, the
// counts agree, times never decrease, and every red-team line is an auth
// event of its user between its computers at its time.
func TestSynthRoundTrip(t *testing.T) {
	s := Synth{Seed: 5, Lines: 100_000, Users: 300, Computers: 400, Days: 6, TrainDays: 2, Campaigns: 3}
	auth, red, st := generate(t, s)
	d := NewDictionary()
	r := NewAuthReader(bytes.NewReader(auth), d, ReadOptions{Strict: true})
	type key struct {
		t         int64
		u, s, dst uint32
	}
	seen := map[key]bool{}
	var n int64
	for r.Next() {
		e := r.Event()
		seen[key{e.Time, e.SrcUser, e.SrcComputer, e.DstComputer}] = true
		n++
	}
	if err := r.Err(); err != nil || n != st.Lines {
		t.Fatalf("read %d events (err %v), generator wrote %d", n, err, st.Lines)
	}
	if float64(n) < 0.9*float64(s.Lines) || float64(n) > 1.1*float64(s.Lines) {
		t.Errorf("%d lines, want about %d", n, s.Lines)
	}
	evs, rep, err := ReadRedTeam(bytes.NewReader(red), d, ReadOptions{Strict: true})
	if err != nil || int64(len(evs)) != st.RedTeamLines || len(evs) == 0 {
		t.Fatalf("red team: %d events (%v, %v), generator wrote %d", len(evs), rep, err, st.RedTeamLines)
	}
	for _, e := range evs {
		if !seen[key{e.Time, e.User, e.SrcComputer, e.DstComputer}] {
			t.Fatalf("red-team event %+v has no auth line", d.Named(e))
		}
		if e.Time < int64(s.TrainDays)*secondsPerDay {
			t.Errorf("campaign event at %d, inside the training days", e.Time)
		}
	}
	if st.Users < 300+400 || st.Computers != 400 {
		t.Errorf("stats %+v", st)
	}
}

func TestSynthDeterministic(t *testing.T) {
	s := Synth{Seed: 9, Lines: 20_000, Users: 50, Computers: 60, Days: 4, Campaigns: 1}
	a1, r1, _ := generate(t, s)
	a2, r2, _ := generate(t, s)
	if !bytes.Equal(a1, a2) || !bytes.Equal(r1, r2) {
		t.Error("same seed, different output")
	}
	s.Seed = 10
	a3, _, _ := generate(t, s)
	if bytes.Equal(a1, a3) {
		t.Error("different seeds, same output")
	}
}

func TestSynthWeave(t *testing.T) {
	weave := []NamedRedTeamEvent{
		{150885, "U620@DOM1", "C17693", "C1003"},
		{151036, "U748@DOM1", "C17693", "C305"},
	}
	_, red, st := generate(t, Synth{Seed: 1, Lines: 50_000, Users: 100, Computers: 120, Days: 3, Weave: weave})
	want := "150885,U620@DOM1,C17693,C1003\n151036,U748@DOM1,C17693,C305\n"
	if string(red) != want || st.RedTeamLines != 2 {
		t.Errorf("red team file %q", red)
	}
	_, err := Synth{Days: 1, Weave: weave}.Generate(context.Background(), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("woven events past the last day: err %v", err)
	}
}

func TestSynthConfigErrors(t *testing.T) {
	for _, s := range []Synth{{Users: 3}, {Stealth: 2}, {Campaigns: 1, Days: 2, TrainDays: 2}, {Lines: -1}} {
		if _, err := s.Generate(context.Background(), &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: err %v", s, err)
		}
	}
	if _, err := (Synth{Lines: 1000, Campaigns: 1}).Generate(context.Background(), &bytes.Buffer{}, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("campaigns without a red-team writer: err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Synth{}).Generate(ctx, &bytes.Buffer{}, nil); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
	if !strings.HasPrefix(ErrConfig.Error(), "lanl:") {
		t.Error("error prefix")
	}
}
