package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/mlprep/mlprep/lanl"
)

// inputFlags are the flags of the commands that read an auth file.
type inputFlags struct {
	auth, redteam string
	strict        bool
	maxMalformed  int64
	limit         int64
	progress      bool
	cfg           lanl.Config
	cpuProfile    string
}

// profile starts the CPU profile asked for with -cpuprofile; call the
// returned function to stop it.
func (f *inputFlags) profile() (stop func(), err error) {
	if f.cpuProfile == "" {
		return func() {}, nil
	}
	pf, err := os.Create(f.cpuProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(pf); err != nil {
		pf.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); pf.Close() }, nil
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.auth, "auth", "", "auth.txt or auth.txt.gz to read")
	fs.StringVar(&f.redteam, "redteam", "", "redteam.txt(.gz) with the labels (optional)")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first malformed line or truncated gzip")
	fs.Int64Var(&f.maxMalformed, "max-malformed", 0, "stop after this many malformed lines (0: no limit)")
	fs.Int64Var(&f.limit, "limit", 0, "read at most this many events (0: all)")
	fs.BoolVar(&f.progress, "progress", true, "print progress on stderr")
	fs.IntVar(&f.cfg.TrainDays, "train-days", 1, "days that only train the baseline")
	fs.Int64Var(&f.cfg.Window, "window", 86400, "window length in seconds")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
}

func (f *inputFlags) readOptions() lanl.ReadOptions {
	o := lanl.ReadOptions{Strict: f.strict, MaxMalformed: f.maxMalformed, Limit: f.limit}
	if f.progress {
		o.Progress = os.Stderr
	}
	return o
}

// loaded is an analysed auth file with its labels.
type loaded struct {
	dict      *lanl.Dictionary
	analysis  *lanl.Analysis
	redteam   []lanl.RedTeamEvent
	labels    []int // nil without a red-team file
	unmatched int
	use       usage
}

// readRedTeam reads the labels first, so the auth file's names share their
// IDs.
func readRedTeam(path string, d *lanl.Dictionary, o lanl.ReadOptions) ([]lanl.RedTeamEvent, error) {
	in, err := lanl.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	o.Progress = nil
	evs, rep, err := lanl.ReadRedTeam(in, d, o)
	if err != nil {
		return nil, err
	}
	if rep.Malformed > 0 {
		fmt.Printf("red team %s: %v\n", path, rep)
	}
	return evs, nil
}

// analyse reads and analyses f.auth (and the labels in f.redteam).
func (f *inputFlags) analyse(ctx context.Context) (*loaded, error) {
	if f.auth == "" {
		return nil, fmt.Errorf("-auth FILE is required")
	}
	m := startMeter()
	l := &loaded{dict: lanl.NewDictionary()}
	if f.redteam != "" {
		var err error
		if l.redteam, err = readRedTeam(f.redteam, l.dict, f.readOptions()); err != nil {
			return nil, err
		}
	}
	in, err := lanl.Open(f.auth)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	l.analysis, err = lanl.Analyze(ctx, lanl.NewAuthReader(in, l.dict, f.readOptions()), f.cfg)
	if err != nil {
		return nil, err
	}
	l.use = m.usage()
	rep := l.analysis.Report
	fmt.Printf("read %s: %v\n", f.auth, rep)
	for _, m := range rep.Examples {
		fmt.Printf("  malformed %v\n", m)
	}
	fmt.Printf("pipeline: %d lines in %v (%.2f M lines/s wall)\n", rep.Lines, l.use, float64(rep.Lines)/l.use.wall.Seconds()/1e6)
	an := l.analysis
	fmt.Printf("%d users, %d computers, %d incidents (user × window) after %d training days\n",
		l.dict.Users.Len(), l.dict.Computers.Len(), len(an.Incidents), f.cfg.TrainDays)
	fmt.Printf("state: %d (user, destination), %d (user, source), %d computer→computer pairs; %d MiB estimated\n",
		an.UserDestinations, an.UserSources, an.Edges, an.StateBytes>>20)
	if l.redteam != nil {
		l.labels, l.unmatched = lanl.Labels(l.analysis.Incidents, l.redteam, f.cfg.Window)
		pos := 0
		for _, y := range l.labels {
			pos += y
		}
		fmt.Printf("red team: %d events, %d incidents labelled, %d events outside the scored windows\n",
			len(l.redteam), pos, l.unmatched)
	}
	return l, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return nil
}
