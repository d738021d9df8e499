// Package lesson holds what every roadmap example program shares: the -quick
// and -out flags, the output directory for plots, and the headline line that
// examples/roadmap collects into its summary table.
package lesson

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/mlprep/mlprep/internal/plots"
)

// HeadlinePrefix starts the one line per program that examples/roadmap reads
// as the program's headline figure.
const HeadlinePrefix = "headline: "

// Options are the flags every example takes.
type Options struct {
	// Quick runs a few-second version of the lesson (the roadmap smoke run).
	Quick bool
	// Out is the directory for plots and reports.
	Out string
}

// Register adds -quick and -out to fs and returns the options they fill.
func Register(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.BoolVar(&o.Quick, "quick", false, "run a few-second version of the lesson")
	fs.StringVar(&o.Out, "out", "out", "directory for plots and reports")
	return o
}

// Parse registers the flags on the command line and parses it.
func Parse() *Options {
	o := Register(flag.CommandLine)
	flag.Parse()
	return o
}

// File returns the path of name inside the output directory, creating the
// directory if needed.
func (o *Options) File(name string) (string, error) {
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return "", fmt.Errorf("lesson: output directory: %w", err)
	}
	return filepath.Join(o.Out, name), nil
}

// SavePlot writes p as a PNG named name inside the output directory and
// tells the reader where it went.
func (o *Options) SavePlot(p *plot.Plot, name string) error {
	path, err := o.File(name)
	if err != nil {
		return err
	}
	if err := plots.Save(p, path); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return nil
}

// Headline prints the program's headline figure for the roadmap summary.
func Headline(format string, args ...any) {
	fmt.Printf(HeadlinePrefix+format+"\n", args...)
}

// Fatal prints err on stderr and exits with status 1.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
