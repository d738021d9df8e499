package main

import (
	"bufio"
	"container/heap"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/pgzip"

	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/lanl"
)

func download(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("download", flag.ContinueOnError)
	dir := fs.String("dir", opts.Out, "directory to download into")
	auth := fs.Bool("auth", false, "also fetch auth.txt.gz (about 7 GB)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	files := []lanl.Download{{URL: lanl.RedTeamURL, Size: lanl.RedTeamSize, SHA256: lanl.RedTeamSHA256, Progress: os.Stderr}}
	if *auth {
		files = append(files, lanl.Download{URL: lanl.AuthURL, Progress: os.Stderr})
	}
	for _, d := range files {
		path := filepath.Join(*dir, filepath.Base(d.URL))
		if err := d.Fetch(ctx, path); err != nil {
			return err
		}
		fmt.Println("downloaded and verified", path)
	}
	return nil
}

// synthFlags register the generator's options.
func synthFlags(fs *flag.FlagSet, s *lanl.Synth) *string {
	fs.Uint64Var(&s.Seed, "seed", 1, "random seed")
	fs.Int64Var(&s.Lines, "lines", 1_000_000, "expected background lines")
	fs.IntVar(&s.Users, "users", 2000, "accounts")
	fs.IntVar(&s.Computers, "computers", 2400, "computers")
	fs.IntVar(&s.Days, "days", 14, "days")
	fs.IntVar(&s.TrainDays, "train-days", 3, "clean days before the first campaign")
	fs.IntVar(&s.Campaigns, "campaigns", 20, "invented red-team campaigns")
	fs.Float64Var(&s.Stealth, "stealth", 0, "campaign stealth in [0, 1]")
	return fs.String("weave", "", "redteam.txt(.gz) whose events to weave into the background")
}

func synth(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	var s lanl.Synth
	weave := synthFlags(fs, &s)
	authPath := fs.String("auth-out", filepath.Join(opts.Out, "auth.txt.gz"), "auth file to write (.gz compresses)")
	redPath := fs.String("redteam-out", filepath.Join(opts.Out, "redteam.txt.gz"), "red-team file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *weave != "" {
		var err error
		if s.Weave, err = weaveFrom(*weave); err != nil {
			return err
		}
		s.Campaigns = 0
	}
	s.Progress = os.Stderr
	m := startMeter()
	st, err := generateFiles(ctx, s, *authPath, *redPath)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d lines) and %s (%d red-team lines): %d accounts, %d computers, %d days, in %v\n",
		*authPath, st.Lines, *redPath, st.RedTeamLines, st.Users, st.Computers, st.Days, m.usage())
	return nil
}

// weaveFrom reads a red-team file's events by name, for Synth.Weave.
func weaveFrom(path string) ([]lanl.NamedRedTeamEvent, error) {
	d := lanl.NewDictionary()
	evs, err := readRedTeam(path, d, lanl.ReadOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]lanl.NamedRedTeamEvent, len(evs))
	for i, e := range evs {
		out[i] = d.Named(e)
	}
	return out, nil
}

// create opens path for writing, through a parallel gzip writer when the
// name ends in .gz; close flushes and closes both.
func create(path string) (w io.Writer, close func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		bw := bufio.NewWriterSize(f, 1<<20)
		return bw, func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}, nil
	}
	zw := pgzip.NewWriter(f)
	return zw, func() error {
		if err := zw.Close(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

func generateFiles(ctx context.Context, s lanl.Synth, authPath, redPath string) (lanl.SynthStats, error) {
	aw, closeAuth, err := create(authPath)
	if err != nil {
		return lanl.SynthStats{}, err
	}
	rw, closeRed, err := create(redPath)
	if err != nil {
		closeAuth()
		return lanl.SynthStats{}, err
	}
	st, err := s.Generate(ctx, aw, rw)
	errA, errR := closeAuth(), closeRed()
	for _, e := range []error{err, errA, errR} {
		if e != nil {
			return st, e
		}
	}
	return st, nil
}

func ingest(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.auth == "" {
		return fmt.Errorf("ingest: -auth FILE is required")
	}
	stop, err := f.profile()
	if err != nil {
		return err
	}
	defer stop()
	m := startMeter()
	in, err := lanl.Open(f.auth)
	if err != nil {
		return err
	}
	defer in.Close()
	d := lanl.NewDictionary()
	r := lanl.NewAuthReader(in, d, f.readOptions())
	var failures int64
	for r.Next() {
		if !r.Event().Success {
			failures++
		}
	}
	use := m.usage()
	rep := r.Report()
	fmt.Printf("read %s: %v\n", f.auth, rep)
	for _, m := range rep.Examples {
		fmt.Printf("  malformed %v\n", m)
	}
	fmt.Printf("%d users, %d computers, %d auth types, %d logon types, %d orientations; %d failures\n",
		d.Users.Len(), d.Computers.Len(), d.AuthTypes.Len(), d.LogonTypes.Len(), d.Orientations.Len(), failures)
	fmt.Printf("ingest: %v, %.2f M lines/s\n", use, float64(rep.Lines)/use.wall.Seconds()/1e6)
	return r.Err()
}

// surprising keeps the k highest-scored events (a min-heap).
type surprising []scored

type scored struct {
	e lanl.Event
	s lanl.EventScore
}

func (h surprising) Len() int           { return len(h) }
func (h surprising) Less(i, j int) bool { return h[i].s.Score() < h[j].s.Score() }
func (h surprising) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *surprising) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *surprising) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func baseline(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	top := fs.Int("k", 10, "most surprising events to list")
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.auth == "" {
		return fmt.Errorf("baseline: -auth FILE is required")
	}
	in, err := lanl.Open(f.auth)
	if err != nil {
		return err
	}
	defer in.Close()
	d := lanl.NewDictionary()
	r := lanl.NewAuthReader(in, d, f.readOptions())
	var b lanl.Baseline
	h := &surprising{}
	from := int64(f.cfg.TrainDays) * 86400
	for r.Next() {
		e := r.Event()
		s := b.Observe(e)
		if e.Time < from {
			continue
		}
		if h.Len() < *top {
			heap.Push(h, scored{e, s})
		} else if s.Score() > (*h)[0].s.Score() {
			(*h)[0] = scored{e, s}
			heap.Fix(h, 0)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	ud, us, edges := b.Pairs()
	fmt.Printf("baseline over %v: %d (user, destination), %d (user, source) and %d computer→computer pairs\n",
		r.Report(), ud, us, edges)
	fmt.Printf("the %d most surprising events after day %d (score = −log P(dst|user) − log P(hour|user)):\n", h.Len(), f.cfg.TrainDays)
	var list []scored
	for h.Len() > 0 {
		list = append(list, heap.Pop(h).(scored))
	}
	for i := len(list) - 1; i >= 0; i-- {
		x := list[i]
		fmt.Printf("  %6.1f  rarity %5.1f  hour %5.1f  new dst %-5v new src %-5v  %s", x.s.Score(), x.s.Rarity(),
			x.s.HourSurprise(), x.s.NewDestination, x.s.NewSource, d.AppendAuth(nil, x.e))
	}
	return nil
}

func graph(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	l, err := f.analyse(ctx)
	if err != nil {
		return err
	}
	return exportFeatures(opts, l, "", f.cfg.Window)
}

func exportFeatures(opts *lesson.Options, l *loaded, tag string, window int64) error {
	path, err := opts.File(tag + "features.parquet")
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := lanl.WriteParquet(out, l.dict, l.analysis.Incidents, l.labels, window); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Printf("per-user-per-window features: %s (%d rows, %d features)\n", path, len(l.analysis.Incidents), len(lanl.FeatureNames))
	return nil
}

func rank(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("rank", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	name := fs.String("variant", "graph", "scoring variant")
	k := fs.Int("k", 20, "alerts to print")
	if err := parse(fs, args); err != nil {
		return err
	}
	stop, err := f.profile()
	if err != nil {
		return err
	}
	defer stop()
	v, err := lanl.ParseVariant(*name)
	if err != nil {
		return err
	}
	m := startMeter()
	l, err := f.analyse(ctx)
	if err != nil {
		return err
	}
	score, err := lanl.Score(ctx, l.analysis.Incidents, v, 1)
	if err != nil {
		return err
	}
	alerts := lanl.Alerts(l.analysis.Incidents, score, *k)
	use := m.usage()
	printAlerts(l, alerts, f.cfg.Window)
	rep := l.analysis.Report
	fmt.Printf("whole pipeline (read, baseline, score, graph, rank): %d lines, %v, %.2f M lines/s\n",
		rep.Lines, use, float64(rep.Lines)/use.wall.Seconds()/1e6)
	return nil
}

func printAlerts(l *loaded, alerts []lanl.Alert, window int64) {
	fmt.Printf("\n%4s  %-12s %7s %8s %4s  %s\n", "rank", "user", "day", "score", "red", "top reasons")
	for _, a := range alerts {
		red := ""
		if l.labels != nil {
			red = "no"
			if isPositive(l, a) {
				red = "YES"
			}
		}
		fmt.Printf("%4d  %-12s %7d %8.1f %4s  %s\n", a.Rank, l.dict.Users.Name(a.User), a.Window*window/86400, a.Score, red, strings.Join(a.Reasons, "; "))
	}
	fmt.Println()
}

func isPositive(l *loaded, a lanl.Alert) bool {
	for i, in := range l.analysis.Incidents {
		if in.User == a.User && in.Window == a.Window {
			return l.labels[i] == 1
		}
	}
	return false
}

// evaluateAll scores every variant against the labels.
func evaluateAll(ctx context.Context, l *loaded) ([]lanl.Evaluation, error) {
	var evs []lanl.Evaluation
	for _, v := range lanl.Variants() {
		score, err := lanl.Score(ctx, l.analysis.Incidents, v, 1)
		if err != nil {
			return nil, err
		}
		ev, err := lanl.Evaluate(v, l.labels, score)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// best is the variant with the highest precision@10 + recall at 1% FPR.
func best(evs []lanl.Evaluation) lanl.Evaluation {
	b := evs[0]
	for _, ev := range evs[1:] {
		if ev.PrecisionK[10]+ev.RecallAtFPR[0.01] > b.PrecisionK[10]+b.RecallAtFPR[0.01] {
			b = ev
		}
	}
	return b
}

func writePRCurve(path, title string, evs []lanl.Evaluation) error {
	var series []plots.Series
	for _, ev := range evs {
		series = append(series, plots.Series{Name: ev.Variant.String(), X: ev.PR.Recall, Y: ev.PR.Precision})
	}
	p, err := plots.Lines(title, "recall", "precision", series...)
	if err != nil {
		return err
	}
	return plots.Save(p, path)
}

func evaluate(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.redteam == "" {
		return fmt.Errorf("evaluate: -redteam FILE is required")
	}
	l, err := f.analyse(ctx)
	if err != nil {
		return err
	}
	_, err = report(ctx, opts, l, "", f.auth, f.cfg.Window, nil)
	return err
}

// report evaluates every variant, prints the ablation and the best
// variant's alerts, and writes the PR curve and the Markdown report (with
// the file names prefixed by tag).
func report(ctx context.Context, opts *lesson.Options, l *loaded, tag, data string, window int64, sections []string) (lanl.Evaluation, error) {
	evs, err := evaluateAll(ctx, l)
	if err != nil {
		return lanl.Evaluation{}, err
	}
	if err := lanl.AblationTable(evs).WriteMarkdown(os.Stdout); err != nil {
		return lanl.Evaluation{}, err
	}
	b := best(evs)
	score, err := lanl.Score(ctx, l.analysis.Incidents, b.Variant, 1)
	if err != nil {
		return b, err
	}
	alerts := lanl.Alerts(l.analysis.Incidents, score, 10)
	fmt.Printf("\ntop alerts of the best variant, %v:", b.Variant)
	printAlerts(l, alerts, window)
	alertLabels := make([]int, len(alerts))
	for i, a := range alerts {
		if isPositive(l, a) {
			alertLabels[i] = 1
		}
	}
	png, err := opts.File(tag + "pr_curve.png")
	if err != nil {
		return b, err
	}
	if err := writePRCurve(png, "precision–recall per variant: "+data, evs); err != nil {
		return b, err
	}
	md, err := opts.File(tag + "report.md")
	if err != nil {
		return b, err
	}
	out, err := os.Create(md)
	if err != nil {
		return b, err
	}
	rep := lanl.TriageReport{Title: "LANL authentication triage", Data: data, Read: l.analysis.Report,
		Evaluations: evs, Alerts: alerts, AlertLabels: alertLabels, Dict: l.dict, Window: window, Sections: sections}
	if err := rep.WriteMarkdown(out); err != nil {
		out.Close()
		return b, err
	}
	if err := out.Close(); err != nil {
		return b, err
	}
	fmt.Printf("wrote %s and %s\n", png, md)
	return b, nil
}
