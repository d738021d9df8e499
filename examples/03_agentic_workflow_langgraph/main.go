// Command 03_agentic_workflow_langgraph runs a research workflow as a
// LangGraph-style state graph: a planner splits the question into
// sub-questions, researchers (one per sub-question, in parallel) answer them
// with a BM25 search tool over study notes (package rag's retriever,
// registered as an agent tool), a reviewer checks every note, and rejected
// sub-questions are rewritten and researched again until the reviewer
// approves or the review budget is spent; a writer then composes the answer.
// Every step is checkpointed to a SQLite file (research.db in -out), so a
// killed run resumes where it stopped; the lesson ends with a fork of the
// thread from an earlier checkpoint (time travel). The graph is printed and
// written to graph.mmd as a Mermaid diagram.
//
//	go run ./examples/03_agentic_workflow_langgraph            # the lesson, crash and resume included
//	go run ./examples/03_agentic_workflow_langgraph -quick     # the same, a second
//
// By default the program kills a first run of itself with SIGKILL after 3
// completed node runs and resumes the thread from research.db, then checks
// that the two runs together did exactly the node runs of an uninterrupted
// run. To do it by hand:
//
//	go run ./examples/03_agentic_workflow_langgraph -crash-after 4   # killed
//	go run ./examples/03_agentic_workflow_langgraph                  # resumes thread "demo"
//
// The model is a deterministic offline stand-in; -llm http://localhost:11434/v1
// -model llama3.1 (any OpenAI-compatible server, key in $OPENAI_API_KEY) puts
// a real one in every role.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mlprep/mlprep/agent"
	"github.com/mlprep/mlprep/internal/lesson"
)

const defaultQuestion = "How does LoRA reduce the memory needed for fine-tuning, " +
	"what does merging the adapter change at inference, and how does it work with quantisation?"

// demoCrashAfter is where the lesson kills its first run: the planner and
// two of the three parallel researchers have finished, the third has not.
const demoCrashAfter = 3

var (
	question   = flag.String("question", defaultQuestion, "the research question")
	thread     = flag.String("thread", "demo", "checkpoint thread ID")
	crashAfter = flag.Int("crash-after", 0, "kill this process with SIGKILL after `N` completed node runs (0: never)")
	maxRounds  = flag.Int("rounds", 3, "review budget: rounds before the writer answers anyway")
	llmURL     = flag.String("llm", "", "base URL of an OpenAI-compatible server (default: the offline model)")
	llmModel   = flag.String("model", "", "model name for -llm")
)

func main() {
	opts := lesson.Parse()
	if err := run(context.Background(), opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options) error {
	dbPath, err := opts.File("research.db")
	if err != nil {
		return err
	}
	graph, err := buildGraph(ctx)
	if err != nil {
		return err
	}
	db, err := agent.OpenSQLite(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := graph.Compile(agent.CompileOptions{Checkpointer: db, RecursionLimit: 4 * (*maxRounds + 2)})
	if err != nil {
		return err
	}
	cfg := agent.Config{Thread: *thread}
	snap, err := r.State(ctx, cfg)
	unfinished := err == nil && len(snap.Next) > 0
	if err != nil && !errors.Is(err, agent.ErrNoCheckpoint) {
		return err
	}

	switch {
	case *crashAfter > 0:
		return crashingRun(ctx, r, cfg, unfinished)
	case unfinished:
		fmt.Printf("thread %q stopped at checkpoint %s (step %d), next %v, already done %v: resuming\n", *thread, snap.ID, snap.Step, snap.Next, snap.Done)
		final, runs, err := stream(r.ResumeStream(ctx, cfg, nil), "resume")
		if err != nil {
			return err
		}
		report(final)
		lesson.Headline("resumed thread %s and finished it with %d more node runs; reviewer approved=%v after %d round(s)", *thread, runs, final.Approved, final.Rounds)
		return nil
	}
	mmd, err := opts.File("graph.mmd")
	if err != nil {
		return err
	}
	if err := os.WriteFile(mmd, []byte(r.Mermaid()), 0o644); err != nil {
		return err
	}
	fmt.Printf("The workflow graph (Mermaid, also in %s):\n\n%s\n", mmd, r.Mermaid())
	db.Close()
	return crashAndResume(ctx, opts, graph, dbPath)
}

// buildGraph wires the model and rag's BM25 search tool into the workflow.
func buildGraph(ctx context.Context) (*agent.Graph[Research], error) {
	search, err := searchTool(ctx)
	if err != nil {
		return nil, err
	}
	model := offlineModel()
	if *llmURL != "" {
		model = &agent.OpenAIClient{BaseURL: *llmURL, Model: *llmModel, APIKey: os.Getenv("OPENAI_API_KEY"), Stream: true}
		fmt.Printf("model: %s at %s\n", *llmModel, *llmURL)
	} else {
		fmt.Println("model: the deterministic offline stand-in (pass -llm URL -model NAME for a real one)")
	}
	return newWorkflow(model, search, *maxRounds)
}

// crashAndResume is the lesson: a reference run without crash, then a
// child process that is SIGKILLed mid-run, then the resume in this process.
func crashAndResume(ctx context.Context, opts *lesson.Options, graph *agent.Graph[Research], dbPath string) error {
	ref, err := graph.Compile(agent.CompileOptions{Checkpointer: &agent.MemoryCheckpointer{}, RecursionLimit: 4 * (*maxRounds + 2)})
	if err != nil {
		return err
	}
	want, wantRuns, err := stream(ref.Stream(ctx, agent.Config{Thread: "reference"}, Research{Question: *question}), "")
	if err != nil {
		return err
	}
	fmt.Printf("reference run (uninterrupted, in memory, not shown): %d node runs\n\n", wantRuns)

	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	fmt.Printf("== run 1: a child process, killed with SIGKILL after %d completed node runs\n", demoCrashAfter)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"-out", opts.Out, "-thread", *thread, "-crash-after", fmt.Sprint(demoCrashAfter),
		"-question", *question, "-rounds", fmt.Sprint(*maxRounds)}
	if *llmURL != "" {
		args = append(args, "-llm", *llmURL, "-model", *llmModel)
	}
	child := exec.CommandContext(ctx, self, args...)
	child.Stdout, child.Stderr = os.Stdout, os.Stderr
	err = child.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(exit.String(), "killed") {
		return fmt.Errorf("run 1 should have been killed, ended with: %v", err)
	}
	fmt.Printf("run 1 ended: %v\n\n", exit)

	db, err := agent.OpenSQLite(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := graph.Compile(agent.CompileOptions{Checkpointer: db, RecursionLimit: 4 * (*maxRounds + 2)})
	if err != nil {
		return err
	}
	cfg := agent.Config{Thread: *thread}
	snap, err := r.State(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("== run 2: resume thread %q from %s: checkpoint %s (step %d), next %v, already done %v\n",
		*thread, dbPath, snap.ID, snap.Step, snap.Next, snap.Done)
	got, runs, err := stream(r.ResumeStream(ctx, cfg, nil), "run 2")
	if err != nil {
		return err
	}
	report(got)
	total := demoCrashAfter + runs
	same := got.Answer == want.Answer && total == wantRuns
	fmt.Printf("\nrun 1 completed %d node runs before the kill, run 2 ran %d: %d in all, the uninterrupted run %d; same answer: %v\n",
		demoCrashAfter, runs, total, wantRuns, got.Answer == want.Answer)
	if !same {
		return fmt.Errorf("the resumed run differs from the reference (%d node runs against %d)", total, wantRuns)
	}
	fork, err := timeTravel(ctx, r, *thread, got)
	if err != nil {
		return err
	}
	if err := history(ctx, r, *thread); err != nil {
		return err
	}
	lesson.Headline("reviewer approved=%v after %d round(s); SIGKILL after %d of %d node runs, resume ran the other %d (none repeated, none lost); a fork with a human's note: %d round",
		got.Approved, got.Rounds, demoCrashAfter, wantRuns, runs, fork.Rounds)
	return nil
}

// timeTravel forks the thread at the checkpoint before the first review, as
// if a human had written there the notes that the review rejected (taking
// them from the finished run), and runs the fork: LangGraph's time travel.
// The original branch stays as it was.
func timeTravel(ctx context.Context, r *agent.Runnable[Research], thread string, finished Research) (Research, error) {
	hist, err := r.History(ctx, thread)
	if err != nil {
		return Research{}, err
	}
	var beforeReview, afterReview *agent.Snapshot[Research]
	for i := len(hist) - 1; i >= 0; i-- { // oldest first
		switch {
		case beforeReview == nil && slices.Equal(hist[i].Next, []string{"reviewer"}):
			beforeReview = &hist[i]
		case afterReview == nil && beforeReview != nil && hist[i].State.Rounds == 1:
			afterReview = &hist[i]
		}
	}
	if beforeReview == nil || afterReview == nil || afterReview.State.Approved {
		fmt.Println("\n(no rejected first review to travel back to)")
		return finished, nil
	}
	var human []Note
	for _, q := range afterReview.State.SubQs {
		if q.Feedback != "" {
			n := noteFor(finished, q.ID)
			n.Text += " (written by a human reviewer)"
			human = append(human, n)
		}
	}
	fmt.Printf("\n== time travel: fork thread %q at checkpoint %s (step %d, before the first review) with %d note(s) written by a human\n",
		thread, beforeReview.ID, beforeReview.Step, len(human))
	fork, _, err := stream(r.ResumeStream(ctx, agent.Config{Thread: thread, Checkpoint: beforeReview.ID},
		agent.Update[Research]{notesField.Set(human)}), "fork")
	if err != nil {
		return Research{}, err
	}
	fmt.Printf("the fork was approved after %d round(s) (the original branch needed %d)\n", fork.Rounds, finished.Rounds)
	return fork, nil
}

// crashingRun runs the thread (resuming it if unfinished) and kills this
// process with SIGKILL, a kill no code can intercept, after n completed node
// runs: NodeEnd means the node's writes are checkpointed.
func crashingRun(ctx context.Context, r *agent.Runnable[Research], cfg agent.Config, unfinished bool) error {
	events := r.Stream(ctx, cfg, Research{Question: *question})
	if unfinished {
		events = r.ResumeStream(ctx, cfg, nil)
	}
	done := 0
	p := &printer{who: "run 1"}
	for ev, err := range events {
		if err != nil {
			return err
		}
		p.print(ev)
		if ev.Kind == agent.NodeEnd && ev.Err == nil {
			if done++; done == *crashAfter {
				fmt.Printf("[run 1] %d node runs completed: killing this process with SIGKILL\n", done)
				self, err := os.FindProcess(os.Getpid())
				if err != nil {
					return err
				}
				return self.Kill()
			}
		}
	}
	fmt.Printf("[run 1] finished before %d node runs\n", *crashAfter)
	return nil
}

// stream prints a run's progress (unless who is "") and returns its final
// state and the number of node runs it completed.
func stream(events func(func(agent.Event[Research], error) bool), who string) (Research, int, error) {
	var final Research
	runs := 0
	p := &printer{who: who}
	for ev, err := range events {
		if err != nil {
			return final, runs, err
		}
		if who != "" {
			p.print(ev)
		}
		switch ev.Kind {
		case agent.NodeEnd:
			if ev.Err == nil {
				runs++
			}
		case agent.StepEnd:
			final = ev.State
		}
	}
	return final, runs, nil
}

// printer is the progress stream: custom events of the nodes, node
// completions, checkpoints, and the writer's tokens as they arrive.
type printer struct {
	who     string
	midLine bool // tokens were printed without a newline
}

func (p *printer) print(ev agent.Event[Research]) {
	if ev.Kind == agent.Token {
		if !p.midLine {
			fmt.Printf("[%s] step %d %s: ", p.who, ev.Step, ev.Node)
		}
		fmt.Print(ev.Token)
		p.midLine = true
		return
	}
	if p.midLine {
		fmt.Println()
		p.midLine = false
	}
	switch ev.Kind {
	case agent.Custom:
		fmt.Printf("[%s] step %d %s: %v\n", p.who, ev.Step, ev.Node, ev.Payload)
	case agent.NodeRetry:
		fmt.Printf("[%s] step %d %s: attempt %d failed (%v), retrying\n", p.who, ev.Step, ev.Node, ev.Attempt, ev.Err)
	case agent.NodeEnd:
		status := "done"
		if ev.Err != nil {
			status = "failed: " + ev.Err.Error()
		}
		fmt.Printf("[%s] step %d %s (task %d) %s in %v\n", p.who, ev.Step, ev.Node, ev.Task, status, ev.Elapsed.Round(10*time.Microsecond))
	case agent.StepEnd:
		fmt.Printf("[%s] step %d checkpointed as %s, next %v\n", p.who, ev.Step, ev.Checkpoint, ev.Next)
	}
}

func history(ctx context.Context, r *agent.Runnable[Research], thread string) error {
	hist, err := r.History(ctx, thread)
	if err != nil {
		return err
	}
	fmt.Printf("\nCheckpoints of thread %q, oldest first:\n\n", thread)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tparent\tstep\tsource\tnotes\trounds\tnext")
	for i := len(hist) - 1; i >= 0; i-- {
		h := hist[i]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%v\n", h.ID, h.Parent, h.Step, h.Source, len(h.State.Notes), h.State.Rounds, h.Next)
	}
	return tw.Flush()
}

func report(s Research) {
	fmt.Printf("\nQuestion: %s\n\n", s.Question)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tsub-question\tlast query\tsources\treview")
	for _, q := range s.SubQs {
		review := "ok"
		if q.Feedback != "" {
			review = q.Feedback
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", q.ID, q.Text, q.Query, strings.Join(noteFor(s, q.ID).Sources, ","), review)
	}
	tw.Flush()
	fmt.Printf("\nAnswer (%d review round(s), approved=%v):\n%s\n", s.Rounds, s.Approved, s.Answer)
}
