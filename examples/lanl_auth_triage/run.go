package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlprep/mlprep/eval"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/lanl"
)

// scenario is one generated data set of the default run.
type scenario struct {
	name, tag string
	synth     lanl.Synth
	trainDays int
}

func run(ctx context.Context, opts *lesson.Options, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var f inputFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.auth != "" {
		return runFiles(ctx, opts, &f)
	}
	scenarios := defaultScenarios(opts.Quick)
	if weave, err := realRedTeam(); err != nil {
		fmt.Printf("real red-team file not available (%v): generated campaigns only\n", err)
	} else {
		s := scenarios[0].synth
		s.Weave, s.Campaigns, s.Days = weave, 0, 30
		s.Lines = s.Lines * 3 / 2
		scenarios = append(scenarios, scenario{name: "generated background with LANL's 749 real red-team events woven in",
			tag: "woven_", synth: s, trainDays: 1})
	}
	var headline []string
	for _, sc := range scenarios {
		fmt.Printf("\n=== %s\n", sc.name)
		b, err := runScenario(ctx, opts, &f, sc)
		if err != nil {
			return err
		}
		headline = append(headline, fmt.Sprintf("%s P@10 %.2f, recall@1%%FPR %.2f (%v)",
			strings.TrimSuffix(sc.tag, "_"), b.PrecisionK[10], b.RecallAtFPR[0.01], b.Variant))
	}
	if !opts.Quick {
		if err := stealthSweep(ctx, opts, &f, scenarios[0]); err != nil {
			return err
		}
	}
	lesson.Headline("%s", strings.Join(headline, "; "))
	return nil
}

func defaultScenarios(quick bool) []scenario {
	s := lanl.Synth{Seed: 1, Lines: 4_000_000, Users: 4000, Computers: 4800, Days: 14, TrainDays: 3, Campaigns: 30}
	if quick {
		s.Lines, s.Users, s.Computers, s.Campaigns = 300_000, 600, 720, 10
	}
	return []scenario{{name: fmt.Sprintf("generated data, %d injected campaigns", s.Campaigns), tag: "injected_", synth: s, trainDays: 3}}
}

// realRedTeam reads LANL's red-team events by name from ../shared/data.
func realRedTeam() ([]lanl.NamedRedTeamEvent, error) {
	path, err := datasets.Path("lanl", "redteam.txt.gz")
	if err != nil {
		return nil, err
	}
	return weaveFrom(path)
}

// runScenario generates a data set into the output directory and runs the
// whole pipeline on it.
func runScenario(ctx context.Context, opts *lesson.Options, f *inputFlags, sc scenario) (lanl.Evaluation, error) {
	authPath, err := opts.File(sc.tag + "auth.txt.gz")
	if err != nil {
		return lanl.Evaluation{}, err
	}
	redPath := filepath.Join(opts.Out, sc.tag+"redteam.txt.gz")
	st, err := generateFiles(ctx, sc.synth, authPath, redPath)
	if err != nil {
		return lanl.Evaluation{}, err
	}
	fmt.Printf("generated %s: %d lines, %d red-team lines, %d accounts, %d computers, %d days (seed %d)\n",
		authPath, st.Lines, st.RedTeamLines, st.Users, st.Computers, st.Days, sc.synth.Seed)
	g := *f
	g.auth, g.redteam, g.cfg.TrainDays = authPath, redPath, sc.trainDays
	l, err := g.analyse(ctx)
	if err != nil {
		return lanl.Evaluation{}, err
	}
	if err := exportFeatures(opts, l, sc.tag, g.cfg.Window); err != nil {
		return lanl.Evaluation{}, err
	}
	return report(ctx, opts, l, sc.tag, sc.name, g.cfg.Window, nil)
}

// runFiles runs every stage on the given files.
func runFiles(ctx context.Context, opts *lesson.Options, f *inputFlags) error {
	l, err := f.analyse(ctx)
	if err != nil {
		return err
	}
	if err := exportFeatures(opts, l, "", f.cfg.Window); err != nil {
		return err
	}
	if l.labels == nil {
		score, err := lanl.Score(ctx, l.analysis.Incidents, lanl.VariantGraph, 1)
		if err != nil {
			return err
		}
		printAlerts(l, lanl.Alerts(l.analysis.Incidents, score, 20), f.cfg.Window)
		lesson.Headline("%d lines, %d incidents ranked (no labels)", l.analysis.Report.Lines, len(l.analysis.Incidents))
		return nil
	}
	b, err := report(ctx, opts, l, "", f.auth, f.cfg.Window, nil)
	if err != nil {
		return err
	}
	lesson.Headline("best variant %v: P@10 %.2f, recall@1%%FPR %.2f", b.Variant, b.PrecisionK[10], b.RecallAtFPR[0.01])
	return nil
}

// stealthSweep regenerates the injected scenario with stealthier campaigns
// and reports how detection degrades.
func stealthSweep(ctx context.Context, opts *lesson.Options, f *inputFlags, sc scenario) error {
	fmt.Printf("\n=== stealthier campaigns (fewer new computers, office hours, own workstation)\n")
	levels := []float64{0, 0.25, 0.5, 0.75, 1}
	t := eval.Table{Header: []string{"stealth", "best variant", "P@10", "recall@1%FPR", "ROC AUC", "AP", "fisher P@10", "fisher recall@1%FPR"}}
	var p10, r1 []float64
	for _, st := range levels {
		s := sc
		s.synth.Stealth, s.tag = st, fmt.Sprintf("stealth%.2f_", st)
		s.synth.Lines /= 2
		authPath, err := opts.File(s.tag + "auth.txt.gz")
		if err != nil {
			return err
		}
		redPath := filepath.Join(opts.Out, s.tag+"redteam.txt.gz")
		if _, err := generateFiles(ctx, s.synth, authPath, redPath); err != nil {
			return err
		}
		g := *f
		g.auth, g.redteam, g.cfg.TrainDays, g.progress = authPath, redPath, s.trainDays, false
		l, err := g.analyse(ctx)
		if err != nil {
			return err
		}
		evs, err := evaluateAll(ctx, l)
		if err != nil {
			return err
		}
		b, fisher := best(evs), evs[lanl.VariantFusion]
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%.2f", st), b.Variant.String(), fmt.Sprintf("%.2f", b.PrecisionK[10]),
			fmt.Sprintf("%.2f", b.RecallAtFPR[0.01]), fmt.Sprintf("%.3f", b.ROCAUC), fmt.Sprintf("%.3f", b.AP),
			fmt.Sprintf("%.2f", fisher.PrecisionK[10]), fmt.Sprintf("%.2f", fisher.RecallAtFPR[0.01])})
		p10, r1 = append(p10, b.PrecisionK[10]), append(r1, b.RecallAtFPR[0.01])
	}
	fmt.Println()
	if err := t.WriteMarkdown(os.Stdout); err != nil {
		return err
	}
	p, err := plots.Lines("detection as campaigns get stealthier (best variant)", "stealth", "figure",
		plots.Series{Name: "precision@10", X: levels, Y: p10}, plots.Series{Name: "recall at 1% FPR", X: levels, Y: r1})
	if err != nil {
		return err
	}
	return opts.SavePlot(p, "stealth.png")
}
