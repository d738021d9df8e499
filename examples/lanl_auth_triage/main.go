// Command lanl_auth_triage is the LANL mini-project: "AI for triage" over
// authentication logs, at the speed of gunzip. Subcommands mirror the
// pipeline of package lanl:
//
//	lanl_auth_triage [-quick] [-out DIR] [command [flags]]
//
//	download  fetch redteam.txt.gz (and with -auth the 7 GB auth.txt.gz) from LANL, resumable, verified
//	synth     generate auth.txt.gz and redteam.txt.gz: background, invented campaigns, or the real red team woven in
//	ingest    read an auth file: events, names, malformed lines with line numbers, throughput
//	baseline  learn the per-user baseline and list the most surprising events after training
//	graph     build the windowed graph features per user and window; export them to Parquet
//	rank      rank the incidents and print the top alerts with their reasons
//	evaluate  score every variant against the red-team labels: ablation table, PR curve, Markdown report
//	run       all of it (the default): on -auth/-redteam files, or on generated data sets
//
// With no command it runs on generated data (and on generated background
// with LANL's real red-team events woven in, when ../shared/data/lanl has
// them), so it runs offline in the roadmap.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"
	"github.com/mlprep/mlprep/internal/lesson"
)

func main() {
	opts := lesson.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cmd, args := "run", flag.Args()
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	commands := map[string]func(context.Context, *lesson.Options, []string) error{
		"download": download, "synth": synth, "ingest": ingest, "baseline": baseline,
		"graph": graph, "rank": rank, "evaluate": evaluate, "run": run,
	}
	f, ok := commands[cmd]
	if !ok {
		lesson.Fatal(fmt.Errorf("unknown command %q (download, synth, ingest, baseline, graph, rank, evaluate, run)", cmd))
	}
	if err := f(ctx, opts, args); err != nil {
		lesson.Fatal(err)
	}
}

// usage is the process's resource use since a meter started, for
// throughput lines: on a shared machine CPU time says more than the wall
// clock.
type usage struct {
	wall, cpu time.Duration
	peakRSS   int64 // bytes, for the whole process so far
}

type meter struct {
	start time.Time
	cpu   time.Duration
}

func startMeter() meter {
	cpu, _ := cpuAndRSS()
	return meter{start: time.Now(), cpu: cpu}
}

func (m meter) usage() usage {
	cpu, rss := cpuAndRSS()
	return usage{wall: time.Since(m.start), cpu: cpu - m.cpu, peakRSS: rss}
}

// cpuAndRSS reads the process's CPU time and peak RSS (zero where the
// system does not report them).
func cpuAndRSS() (time.Duration, int64) {
	cpu, _ := cputime.Process()
	rss, _ := cputime.PeakRSS()
	return cpu, rss
}

func (u usage) String() string {
	return fmt.Sprintf("%.2f s wall, %.2f s CPU, peak RSS %d MiB", u.wall.Seconds(), u.cpu.Seconds(), u.peakRSS>>20)
}
