package agent_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlprep/mlprep/agent"
)

// The resume-after-kill tests re-execute this test binary as a child that
// runs a graph with a SQLite checkpointer, kill it with SIGKILL at a point
// between or inside super-steps, and resume the thread in the parent.
const (
	killChildEnv   = "AGENT_TEST_KILL_CHILD" // "linear" or "fanout"
	killDBEnv      = "AGENT_TEST_KILL_DB"
	killJournalEnv = "AGENT_TEST_KILL_JOURNAL"
	linearSteps    = 30
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(killChildEnv); mode != "" {
		if err := runKillChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// journaled is a node that records each completed run of itself in an
// append-only journal file (a side effect outside the checkpoints), then
// logs its name in the state.
func journaled(journal, name string, delay time.Duration) agent.Node[counterState] {
	return func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		time.Sleep(delay)
		f, err := os.OpenFile(journal, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if _, err := fmt.Fprintln(f, name); err != nil {
			return nil, err
		}
		return visit(name)(ctx, s)
	}
}

func linearKillGraph(journal string) *agent.Graph[counterState] {
	g := newCounterGraph()
	prev := agent.Start
	for i := range linearSteps {
		name := fmt.Sprintf("s%02d", i)
		// 15 ms per step leaves the parent ~300 ms to kill the child after
		// step 10 before it could finish, even on a loaded machine.
		g.AddNode(name, journaled(journal, name, 15*time.Millisecond))
		g.AddEdge(prev, name)
		prev = name
	}
	g.AddEdge(prev, agent.End)
	return g
}

// fanoutKillGraph: split -> {a, b, c, d} -> join. With hang, c never
// finishes, so the child is killed with a, b and d done.
func fanoutKillGraph(journal string, hang bool) *agent.Graph[counterState] {
	g := newCounterGraph()
	g.AddNode("split", journaled(journal, "split", 0))
	for _, n := range []string{"a", "b", "c", "d"} {
		node := journaled(journal, n, 0)
		if n == "c" && hang {
			node = func(context.Context, counterState) (agent.Update[counterState], error) { select {} }
		}
		g.AddNode(n, node)
		g.AddEdge("split", n)
		g.AddEdge(n, "join")
	}
	g.AddNode("join", journaled(journal, "join", 0))
	g.AddEdge(agent.Start, "split")
	g.AddEdge("join", agent.End)
	return g
}

func runKillChild(mode string) error {
	db, err := agent.OpenSQLite(os.Getenv(killDBEnv))
	if err != nil {
		return err
	}
	journal := os.Getenv(killJournalEnv)
	g := linearKillGraph(journal)
	if mode == "fanout" {
		g = fanoutKillGraph(journal, true)
	}
	r, err := g.Compile(agent.CompileOptions{Checkpointer: db, RecursionLimit: 100})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for ev, err := range r.Stream(context.Background(), agent.Config{Thread: "k"}, counterState{}) {
		if err != nil {
			return err
		}
		if ev.Kind == agent.StepEnd {
			fmt.Fprintf(out, "step %d\n", ev.Step)
			out.Flush()
		}
	}
	return nil
}

// startKillChild starts the child and returns its stdout lines.
func startKillChild(t *testing.T, mode, db, journal string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+mode, killDBEnv+"="+db, killJournalEnv+"="+journal)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stdout)
}

func killAndWait(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child exit: %v, want killed", err)
	}
}

func journalCounts(t *testing.T, journal string) map[string]int {
	t.Helper()
	data, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, line := range strings.Fields(string(data)) {
		counts[line]++
	}
	return counts
}

// TestResumeAfterKillLinear kills the child at an arbitrary instant after
// its tenth checkpoint and resumes: every step up to the last checkpoint ran
// exactly once, the state has every step exactly once, in order, and at most
// the one step in flight at the kill ran twice.
func TestResumeAfterKillLinear(t *testing.T) {
	dir := t.TempDir()
	db, journal := filepath.Join(dir, "agent.db"), filepath.Join(dir, "journal")
	cmd, lines := startKillChild(t, "linear", db, journal)
	for lines.Scan() {
		if lines.Text() == "step 10" {
			break
		}
	}
	killAndWait(t, cmd)

	cp, err := agent.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	r := mustCompile(t, linearKillGraph(journal), agent.CompileOptions{Checkpointer: cp, RecursionLimit: 100})
	cfg := agent.Config{Thread: "k"}
	before, err := r.State(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	last := before.Step
	if last < 10 || last >= linearSteps-1 {
		t.Fatalf("child's last checkpoint is step %d", last)
	}
	got, err := r.Resume(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range linearSteps {
		want = append(want, fmt.Sprintf("s%02d", i))
	}
	if !slices.Equal(got.Log, want) || got.Count != linearSteps {
		t.Fatalf("resumed state %v (count %d)", got.Log, got.Count)
	}
	counts := journalCounts(t, journal)
	for i, name := range want {
		switch n := counts[name]; {
		case i <= last && n != 1:
			t.Errorf("%s completed before the last checkpoint (step %d) but ran %d times", name, last, n)
		case i == last+1 && (n < 1 || n > 2):
			t.Errorf("%s, in flight at the kill, ran %d times", name, n)
		case i > last+1 && n != 1:
			t.Errorf("%s ran %d times", name, n)
		}
	}
	t.Logf("killed after checkpoint of step %d; step %d was in flight and ran %d time(s)", last, last+1, counts[want[last+1]])
}

// TestResumeAfterKillFanOut kills the child while one of four parallel
// branches hangs and the other three have finished: resume runs only the
// hung branch, then the join.
func TestResumeAfterKillFanOut(t *testing.T) {
	dir := t.TempDir()
	db, journal := filepath.Join(dir, "agent.db"), filepath.Join(dir, "journal")
	cmd, _ := startKillChild(t, "fanout", db, journal)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		// The table may not exist yet when the child has only just started.
		if err := sqlRow(t, db, "SELECT count(*) FROM writes").Scan(&n); err == nil && n == 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the three quick branches never saved their writes")
		}
		time.Sleep(10 * time.Millisecond)
	}
	killAndWait(t, cmd)

	cp, err := agent.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	r := mustCompile(t, fanoutKillGraph(journal, false), agent.CompileOptions{Checkpointer: cp})
	snap, err := r.State(context.Background(), agent.Config{Thread: "k"})
	if err != nil || !slices.Equal(snap.Next, []string{"a", "b", "c", "d"}) || !slices.Equal(snap.Done, []bool{true, true, false, true}) {
		t.Fatalf("after the kill: next %v, done %v, %v", snap.Next, snap.Done, err)
	}
	got, err := r.Resume(context.Background(), agent.Config{Thread: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"split", "a", "b", "c", "d", "join"}; !slices.Equal(got.Log, want) {
		t.Fatalf("log %v, want %v", got.Log, want)
	}
	counts := journalCounts(t, journal)
	for _, n := range []string{"split", "a", "b", "c", "d", "join"} {
		if counts[n] != 1 {
			t.Errorf("%s ran %d times, want 1", n, counts[n])
		}
	}
}
