package lanl

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

// analyzeText runs the analysis over auth lines with one training day.
func analyzeText(t *testing.T, text string, c Config) ([]Incident, *Dictionary) {
	t.Helper()
	d := NewDictionary()
	an, err := Analyze(context.Background(), NewAuthReader(strings.NewReader(text), d, ReadOptions{Strict: true}), c)
	if err != nil {
		t.Fatal(err)
	}
	return an.Incidents, d
}

func find(t *testing.T, incs []Incident, d *Dictionary, user string, w int64) Incident {
	t.Helper()
	id, ok := d.Users.Lookup(user)
	if !ok {
		t.Fatalf("no user %s", user)
	}
	for _, in := range incs {
		if in.User == id && in.Window == w {
			return in
		}
	}
	t.Fatalf("no incident for %s in window %d", user, w)
	return Incident{}
}

// TestAnalyzerHandBuilt checks every feature on a stream small enough to
// count by hand: day 0 trains, day 1 is scored.
func TestAnalyzerHandBuilt(t *testing.T) {
	day := int64(secondsPerDay)
	lines := []string{
		// training: A uses C1 → C2 and C1 → C3; B uses C9 → C2.
		"100,A@D,A@D,C1,C2,Kerberos,Network,LogOn,Success",
		"200,A@D,A@D,C1,C3,Kerberos,Network,LogOn,Success",
		"300,B@D,B@D,C9,C2,Kerberos,Network,LogOn,Success",
		// day 1: A from its usual C1 to C2 (old) and C4, C5 (new) within
		// one burst, then hops C5 → C6 → C7 (a chain of 3 new edges).
		itoa64(day+10) + ",A@D,A@D,C1,C2,Kerberos,Network,LogOn,Success",
		itoa64(day+20) + ",A@D,A@D,C1,C4,NTLM,Network,LogOn,Success",
		itoa64(day+30) + ",A@D,A@D,C1,C5,NTLM,Network,LogOn,Fail",
		itoa64(day+40) + ",A@D,A@D,C5,C6,NTLM,Network,LogOn,Success",
		itoa64(day+5000) + ",A@D,A@D,C6,C7,NTLM,Network,LogOn,Success",
		// B and a newcomer E both log on from C8 for the first time.
		itoa64(day+6000) + ",B@D,B@D,C8,C2,Kerberos,Network,LogOn,Success",
		itoa64(day+7000) + ",E@D,E@D,C8,C8,Kerberos,Interactive,LogOn,Success",
	}
	incs, d := analyzeText(t, strings.Join(lines, "\n")+"\n", Config{})
	if len(incs) != 3 {
		t.Fatalf("%d incidents, want 3 (A, B, E on day 1)", len(incs))
	}
	a := find(t, incs, d, "A@D", 1)
	want := Incident{User: a.User, Window: 1, Events: 5, Failures: 1, Destinations: 5,
		NewDestinations: 4, NewSources: 2, NewEdges: 4, Burst: 3, SourceFanIn: 1, Chain: 3}
	// A's fan-in is 1: C5 and C6 are new to A alone (C1, its training-time
	// source, does not count).
	got := a
	got.MaxScore, got.Novelty, got.MaxHourSurprise, got.PageRank = 0, 0, 0, 0
	if got != want {
		t.Errorf("A's incident\n got %+v\nwant %+v", got, want)
	}
	if !(a.Novelty > 0 && a.MaxScore > 0 && a.PageRank > 0) {
		t.Errorf("A's scores: novelty %v, max score %v, PageRank %v; want all > 0", a.Novelty, a.MaxScore, a.PageRank)
	}
	b := find(t, incs, d, "B@D", 1)
	if b.NewSources != 1 || b.SourceFanIn != 2 || b.NewDestinations != 0 {
		t.Errorf("B: %+v, want 1 new source shared with 2 users", b)
	}
	if e := find(t, incs, d, "E@D", 1); e.SourceFanIn != 2 || e.NewDestinations != 1 {
		t.Errorf("E: %+v", e)
	}
}

func itoa64(x int64) string { return strconv.FormatInt(x, 10) }

func TestBaselineProbabilities(t *testing.T) {
	var b Baseline
	d := NewDictionary()
	ev := func(line string) Event {
		var e Event
		if why := parseAuth([]byte(line), d, &e); why != ReasonNone {
			t.Fatal(why)
		}
		return e
	}
	first := b.Observe(ev("3600,A@D,A@D,C1,C2,?,?,LogOn,Success"))
	if !first.NewDestination || !first.NewSource || !first.NewEdge {
		t.Errorf("first event %+v: everything should be new", first)
	}
	s := b.Observe(ev("3601,A@D,A@D,C1,C2,?,?,LogOn,Success"))
	// One past event: c(u,d) = 1, n_u = 1, α = 1, P(d) = (1+1)/(1+2).
	if want := (1 + 2.0/3) / 2; math.Abs(s.PDestination-want) > 1e-15 {
		t.Errorf("P(d|u) = %v, want %v", s.PDestination, want)
	}
	if want := (1 + 2.0/25) / 2; math.Abs(s.PHour-want) > 1e-15 {
		t.Errorf("P(h|u) = %v, want %v", s.PHour, want)
	}
	if s.NewDestination || s.NewSource || s.NewEdge {
		t.Errorf("repeat event %+v flagged as new", s)
	}
	if math.Abs(s.Score()-(s.Rarity()+s.HourSurprise())) > 1e-12 {
		t.Error("Score != Rarity + HourSurprise")
	}
	if ud, us, e := b.Pairs(); ud != 1 || us != 1 || e != 1 {
		t.Errorf("pairs %d %d %d", ud, us, e)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	if _, err := NewAnalyzer(Config{Damping: 1.5}); err == nil {
		t.Error("damping 1.5 accepted")
	}
	d := NewDictionary()
	_, err := Analyze(context.Background(), NewAuthReader(strings.NewReader("5,A@D,A@D,C1,C2,?,?,LogOn,Success\n"), d, ReadOptions{}), Config{})
	if err == nil || !strings.Contains(err.Error(), "no events") {
		t.Errorf("only training data: err %v, want ErrNoEvents", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var sb strings.Builder
	for i := range 70000 {
		sb.WriteString(itoa64(int64(i)) + ",A@D,A@D,C1,C2,?,?,LogOn,Success\n")
	}
	if _, err := Analyze(ctx, NewAuthReader(strings.NewReader(sb.String()), d, ReadOptions{}), Config{}); err != context.Canceled {
		t.Errorf("cancelled: err %v", err)
	}
}

// TestAnalyzeMatchesObserve checks that Analyze (reader on its own
// goroutine, batched observation, graph features computed while the next
// window streams in) gives the incidents of feeding Observe one event at a
// time, twice over, so scheduling never shows in the results. PageRank is
// compared to 1e-4: gonum iterates its graph's nodes in map order, so the
// sums of its power iteration (tolerance 1e-6) differ in the last digits
// from one run to the next.
func TestAnalyzeMatchesObserve(t *testing.T) {
	auth, _, _ := generate(t, Synth{Seed: 3, Lines: 60_000, Users: 200, Computers: 250, Days: 6, TrainDays: 2, Campaigns: 2})
	c := Config{TrainDays: 2, Window: 6 * 3600}
	a, err := NewAnalyzer(c)
	if err != nil {
		t.Fatal(err)
	}
	r := NewAuthReader(bytes.NewReader(auth), NewDictionary(), ReadOptions{Strict: true})
	for r.Next() {
		a.Observe(r.Event())
	}
	want := a.Finish()
	for range 2 {
		an, err := Analyze(context.Background(), NewAuthReader(bytes.NewReader(auth), NewDictionary(), ReadOptions{Strict: true}), c)
		if err != nil {
			t.Fatal(err)
		}
		if len(an.Incidents) != len(want) {
			t.Fatalf("Analyze: %d incidents, Observe: %d", len(an.Incidents), len(want))
		}
		for i, got := range an.Incidents {
			w := want[i]
			if math.Abs(got.PageRank-w.PageRank) > 1e-4*max(1, w.PageRank) {
				t.Fatalf("incident %d: PageRank %v, want %v", i, got.PageRank, w.PageRank)
			}
			got.PageRank = w.PageRank
			if got != w {
				t.Fatalf("incident %d: Analyze %+v, Observe %+v", i, got, w)
			}
		}
	}
}
