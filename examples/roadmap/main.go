// Command roadmap runs every roadmap program in order — the twelve topic
// lessons (examples/01_… to examples/12_…) and the LANL triage pipeline —
// and prints a summary table with each program's headline figure.
//
//	go run ./examples/roadmap            # the full lessons
//	go run ./examples/roadmap -quick     # a few seconds each (the CI smoke run)
//
// It builds all programs with one `go build`, then runs each as a
// subprocess with -out <out>/<program>, so a crash in one lesson is reported
// and the others still run. Run it from the module root.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mlprep/mlprep/internal/lesson"
)

// program is one roadmap program and what its run produced.
type program struct {
	name     string
	status   string
	elapsed  time.Duration
	headline string
}

var numbered = regexp.MustCompile(`^\d\d_`)

func main() {
	opts := lesson.Register(flag.CommandLine)
	only := flag.String("run", "", "run only the programs whose directory name matches this regular expression")
	flag.Parse()
	filter, err := regexp.Compile(*only)
	if err != nil {
		lesson.Fatal(fmt.Errorf("roadmap: -run: %w", err))
	}
	// A quick lesson that takes minutes is a bug worth reporting, not waiting on.
	timeout := time.Duration(0)
	if opts.Quick {
		timeout = 2 * time.Minute
	}
	if err := run(opts, filter, timeout); err != nil {
		lesson.Fatal(err)
	}
}

func run(opts *lesson.Options, filter *regexp.Regexp, timeout time.Duration) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	all, err := discover(filepath.Join(root, "examples"))
	if err != nil {
		return err
	}
	var names []string
	for _, n := range all {
		if filter.MatchString(n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		fmt.Println("roadmap: no programs found under examples/")
		return nil
	}
	bin, err := os.MkdirTemp("", "mlprep-roadmap-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, n := range names {
		args = append(args, "./examples/"+n)
	}
	fmt.Fprintf(os.Stderr, "roadmap: building %d programs\n", len(names))
	build := exec.Command("go", args...)
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("roadmap: build failed: %w", err)
	}
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return err
	}
	var progs []program
	failed := 0
	for _, n := range names {
		p := runOne(root, filepath.Join(bin, n), n, out, opts.Quick, timeout)
		if p.status != "ok" {
			failed++
		}
		progs = append(progs, p)
	}
	printSummary(os.Stdout, progs, out)
	if failed > 0 {
		return fmt.Errorf("roadmap: %d of %d programs failed", failed, len(progs))
	}
	return nil
}

// discover lists the roadmap programs: the numbered lessons in order, then
// the mini-project.
func discover(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && numbered.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if st, err := os.Stat(filepath.Join(dir, "lanl_auth_triage")); err == nil && st.IsDir() {
		names = append(names, "lanl_auth_triage")
	}
	return names, nil
}

func runOne(root, bin, name, out string, quick bool, timeout time.Duration) program {
	fmt.Printf("\n=== %s\n", name)
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	args := []string{"-out", filepath.Join(out, name)}
	if quick {
		args = append(args, "-quick")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Stderr = root, os.Stderr
	stdout, err := cmd.StdoutPipe()
	p := program{name: name, status: "ok"}
	if err != nil {
		p.status = err.Error()
		return p
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		p.status = err.Error()
		return p
	}
	p.headline = relay(stdout, os.Stdout)
	err = cmd.Wait()
	p.elapsed = time.Since(start)
	switch {
	case ctx.Err() != nil:
		p.status = "timed out after " + timeout.String()
	case err != nil:
		p.status = "failed: " + err.Error()
	case p.headline == "":
		p.status = "no headline"
	}
	return p
}

// relay copies the program's output through and returns its headline.
func relay(r io.Reader, w io.Writer) string {
	var headline string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(w, line)
		if h, ok := strings.CutPrefix(line, lesson.HeadlinePrefix); ok {
			headline = h
		}
	}
	return headline
}

func printSummary(w io.Writer, progs []program, out string) {
	fmt.Fprintf(w, "\n=== roadmap summary (plots under %s)\n", out)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "program\tstatus\ttime\theadline")
	for _, p := range progs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.name, p.status, p.elapsed.Round(10*time.Millisecond), p.headline)
	}
	tw.Flush()
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("roadmap: go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("roadmap: run from inside the mlprep module")
	}
	return filepath.Dir(mod), nil
}
