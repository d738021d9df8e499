package agent_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mlprep/mlprep/agent"
	_ "modernc.org/sqlite"
)

// checkpointers returns a fresh memory and SQLite checkpointer for table
// tests that must hold for both.
func checkpointers(t *testing.T) map[string]agent.Checkpointer {
	t.Helper()
	db, err := agent.OpenSQLite(filepath.Join(t.TempDir(), "cp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return map[string]agent.Checkpointer{"memory": &agent.MemoryCheckpointer{}, "sqlite": db}
}

// linear builds Start -> n1 -> … -> nk -> End over counterState.
func linear(k int) *agent.Graph[counterState] {
	g := newCounterGraph()
	prev := agent.Start
	for i := 1; i <= k; i++ {
		name := "n" + string(rune('0'+i))
		g.AddNode(name, visit(name))
		g.AddEdge(prev, name)
		prev = name
	}
	g.AddEdge(prev, agent.End)
	return g
}

func TestEveryStepIsCheckpointed(t *testing.T) {
	for name, cp := range checkpointers(t) {
		t.Run(name, func(t *testing.T) {
			r := mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: cp})
			cfg := agent.Config{Thread: "t1"}
			if _, err := r.Invoke(context.Background(), cfg, counterState{}); err != nil {
				t.Fatal(err)
			}
			hist, err := r.History(context.Background(), "t1")
			if err != nil {
				t.Fatal(err)
			}
			var steps []int
			var logs []string
			for i, h := range hist {
				steps = append(steps, h.Step)
				logs = append(logs, strings.Join(h.State.Log, ","))
				if i+1 < len(hist) && h.Parent != hist[i+1].ID {
					t.Errorf("checkpoint %s has parent %s, want %s", h.ID, h.Parent, hist[i+1].ID)
				}
			}
			if !slices.Equal(steps, []int{2, 1, 0, -1}) || !slices.Equal(logs, []string{"n1,n2,n3", "n1,n2", "n1", ""}) {
				t.Fatalf("steps %v, logs %v", steps, logs)
			}
			if len(hist[0].Next) != 0 || !slices.Equal(hist[1].Next, []string{"n3"}) || hist[3].Source != "input" {
				t.Fatalf("next %v / %v, source %q", hist[0].Next, hist[1].Next, hist[3].Source)
			}
			// Resuming a finished thread does nothing.
			got, err := r.Resume(context.Background(), cfg, nil)
			if err != nil || got.Count != 3 {
				t.Fatalf("resume of a finished thread: %+v, %v", got, err)
			}
		})
	}
}

func TestSQLitePersistsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.db")
	db, err := agent.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	r := mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: db, InterruptAfter: []string{"n2"}})
	_, err = r.Invoke(context.Background(), agent.Config{Thread: "job"}, counterState{})
	if !errors.Is(err, agent.ErrInterrupted) {
		t.Fatalf("err = %v", err)
	}
	db.Close()

	db, err = agent.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := sqlRow(t, path, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	r = mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: db, InterruptAfter: []string{"n2"}})
	got, err := r.Resume(context.Background(), agent.Config{Thread: "job"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Log, []string{"n1", "n2", "n3"}) {
		t.Fatalf("log %v", got.Log)
	}
	if _, err := r.Resume(context.Background(), agent.Config{Thread: "nobody"}, nil); !errors.Is(err, agent.ErrNoCheckpoint) {
		t.Fatalf("unknown thread: %v", err)
	}
}

// sqlRow opens the database file independently of the checkpointer.
func sqlRow(t *testing.T, path, query string, args ...any) *sql.Row {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.QueryRow(query, args...)
}

func TestInterruptBeforeWithHumanInput(t *testing.T) {
	for name, cp := range checkpointers(t) {
		t.Run(name, func(t *testing.T) {
			g := newCounterGraph()
			g.AddNode("draft", visit("draft"))
			g.AddNode("send", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
				if s.Last != "approved" {
					return nil, errors.New("sent without approval")
				}
				return visit("send")(ctx, s)
			})
			g.AddEdge(agent.Start, "draft")
			g.AddEdge("draft", "send")
			g.AddEdge("send", agent.End)
			r := mustCompile(t, g, agent.CompileOptions{Checkpointer: cp, InterruptBefore: []string{"send"}})
			cfg := agent.Config{Thread: "review"}
			st, err := r.Invoke(context.Background(), cfg, counterState{})
			var in *agent.Interrupt
			if !errors.As(err, &in) || in.Node != "send" || in.When != "before" || st.Last != "draft" {
				t.Fatalf("state %+v, err %v", st, err)
			}
			snap, err := r.State(context.Background(), cfg)
			if err != nil || !slices.Equal(snap.Next, []string{"send"}) || snap.InterruptNode != "send" || snap.ID != in.Checkpoint {
				t.Fatalf("snapshot %+v, %v", snap, err)
			}
			got, err := r.Resume(context.Background(), cfg, agent.Update[counterState]{lastField.Set("approved")})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Log, []string{"draft", "send"}) {
				t.Fatalf("log %v", got.Log)
			}
			hist, _ := r.History(context.Background(), "review")
			var sources []string
			for _, h := range hist {
				sources = append(sources, h.Source)
			}
			if !slices.Equal(sources, []string{"loop", "update", "loop", "input"}) {
				t.Fatalf("sources %v", sources)
			}
		})
	}
}

func TestInterruptAfterThenBefore(t *testing.T) {
	for name, cp := range checkpointers(t) {
		t.Run(name, func(t *testing.T) {
			r := mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: cp, InterruptAfter: []string{"n1"}, InterruptBefore: []string{"n2"}})
			cfg := agent.Config{Thread: "t"}
			var stops []string
			_, err := r.Invoke(context.Background(), cfg, counterState{})
			for i := 0; errors.Is(err, agent.ErrInterrupted) && i < 5; i++ {
				var in *agent.Interrupt
				errors.As(err, &in)
				stops = append(stops, in.When+" "+in.Node)
				_, err = r.Resume(context.Background(), cfg, nil)
			}
			if err != nil || !slices.Equal(stops, []string{"after n1", "before n2"}) {
				t.Fatalf("stops %v, err %v", stops, err)
			}
		})
	}
}

// TestTimeTravelFork resumes from an older checkpoint with different input:
// the thread branches and the original branch is untouched.
func TestTimeTravelFork(t *testing.T) {
	for name, cp := range checkpointers(t) {
		t.Run(name, func(t *testing.T) {
			r := mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: cp})
			cfg := agent.Config{Thread: "tt"}
			if _, err := r.Invoke(context.Background(), cfg, counterState{}); err != nil {
				t.Fatal(err)
			}
			hist, _ := r.History(context.Background(), "tt")
			afterN1 := hist[2] // step 0: n1 done, n2 pending
			if afterN1.Step != 0 || !slices.Equal(afterN1.Next, []string{"n2"}) {
				t.Fatalf("picked %+v", afterN1)
			}
			forked, err := r.Resume(context.Background(), agent.Config{Thread: "tt", Checkpoint: afterN1.ID},
				agent.Update[counterState]{logField.Set([]string{"edited"})})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"n1", "edited", "n2", "n3"}; !slices.Equal(forked.Log, want) {
				t.Fatalf("fork log %v, want %v", forked.Log, want)
			}
			orig, err := r.State(context.Background(), agent.Config{Thread: "tt", Checkpoint: hist[0].ID})
			if err != nil || !slices.Equal(orig.State.Log, []string{"n1", "n2", "n3"}) {
				t.Fatalf("original branch %v, %v", orig.State.Log, err)
			}
			hist2, _ := r.History(context.Background(), "tt")
			if len(hist2) != len(hist)+3 {
				t.Fatalf("history grew from %d to %d, want +3 (update, n2, n3)", len(hist), len(hist2))
			}
		})
	}
}

// TestFailedBranchKeepsFinishedSiblings: in a fan-out where one branch
// fails, the others' writes are saved; Resume runs only the failed one.
func TestFailedBranchKeepsFinishedSiblings(t *testing.T) {
	for name, cp := range checkpointers(t) {
		t.Run(name, func(t *testing.T) {
			var runs [3]atomic.Int32
			broken := atomic.Bool{}
			broken.Store(true)
			g := newCounterGraph()
			g.AddNode("split", visit("split"))
			for i, n := range []string{"a", "b", "c"} {
				g.AddNode(n, func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
					runs[i].Add(1)
					if n == "b" && broken.Load() {
						return nil, errors.New("b is down")
					}
					return visit(n)(ctx, s)
				})
				g.AddEdge("split", n)
				g.AddEdge(n, "join")
			}
			g.AddNode("join", visit("join"))
			g.AddEdge(agent.Start, "split")
			g.AddEdge("join", agent.End)
			r := mustCompile(t, g, agent.CompileOptions{Checkpointer: cp})
			cfg := agent.Config{Thread: "fan"}
			_, err := r.Invoke(context.Background(), cfg, counterState{})
			var ne *agent.NodeError
			if !errors.As(err, &ne) || ne.Node != "b" {
				t.Fatalf("err = %v", err)
			}
			broken.Store(false)
			got, err := r.Resume(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"split", "a", "b", "c", "join"}; !slices.Equal(got.Log, want) {
				t.Fatalf("log %v, want %v", got.Log, want)
			}
			// a and c may have been cancelled when b failed; each ran to
			// completion exactly once in total.
			if runs[1].Load() != 2 {
				t.Fatalf("b ran %d times, want 2", runs[1].Load())
			}
			for _, i := range []int{0, 2} {
				if n := runs[i].Load(); n < 1 || n > 2 {
					t.Fatalf("branch %d ran %d times", i, n)
				}
			}
		})
	}
}

func TestCorruptCheckpointRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.db")
	db, err := agent.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := mustCompile(t, linear(3), agent.CompileOptions{Checkpointer: db, InterruptAfter: []string{"n2"}})
	if _, err := r.Invoke(context.Background(), agent.Config{Thread: "c"}, counterState{}); !errors.Is(err, agent.ErrInterrupted) {
		t.Fatal(err)
	}
	hist, _ := r.History(context.Background(), "c")
	latest, good := hist[0], hist[1]

	for _, damage := range []string{
		`UPDATE checkpoints SET state = CAST('{"log":["n1",' AS BLOB) WHERE id = ?`,
		`UPDATE checkpoints SET meta = CAST('not json' AS BLOB) WHERE id = ?`,
		`UPDATE checkpoints SET step = 7 WHERE id = ?`,
	} {
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var saved []any
		row := raw.QueryRow(`SELECT state, meta, step FROM checkpoints WHERE id = ?`, latest.ID)
		var st, meta []byte
		var step int
		if err := row.Scan(&st, &meta, &step); err != nil {
			t.Fatal(err)
		}
		saved = []any{st, meta, step, latest.ID}
		if _, err := raw.Exec(damage, latest.ID); err != nil {
			t.Fatal(err)
		}
		_, err = r.Resume(context.Background(), agent.Config{Thread: "c", Checkpoint: latest.ID}, nil)
		if !errors.Is(err, agent.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), `"c"`) || !strings.Contains(err.Error(), latest.ID) {
			t.Fatalf("%s: err = %v", damage, err)
		}
		hist, err := r.History(context.Background(), "c")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hist {
			if (h.Err != nil) != (h.ID == latest.ID) {
				t.Fatalf("%s: checkpoint %s: err %v", damage, h.ID, h.Err)
			}
		}
		// The last good checkpoint still resumes (a fork from it), up to
		// the interrupt after n2 again.
		got, err := r.Resume(context.Background(), agent.Config{Thread: "c", Checkpoint: good.ID}, nil)
		if !errors.Is(err, agent.ErrInterrupted) || !slices.Equal(got.Log, []string{"n1", "n2"}) {
			t.Fatalf("%s: resume from the good checkpoint: %v, %v", damage, got.Log, err)
		}
		if _, err := raw.Exec(`UPDATE checkpoints SET state = ?, meta = ?, step = ? WHERE id = ?`, saved...); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		if _, err := r.State(context.Background(), agent.Config{Thread: "c", Checkpoint: latest.ID}); err != nil {
			t.Fatalf("restored row: %v", err)
		}
	}
}

func TestStateThatDoesNotDecode(t *testing.T) {
	cp := &agent.MemoryCheckpointer{}
	id, err := cp.Put(context.Background(), agent.Checkpoint{Thread: "x", Step: 0, State: []byte(`{"count":"three"}`), Next: []agent.Task{{Node: "n1"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := mustCompile(t, linear(1), agent.CompileOptions{Checkpointer: cp})
	_, err = r.Resume(context.Background(), agent.Config{Thread: "x"}, nil)
	if !errors.Is(err, agent.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), id) {
		t.Fatalf("err = %v", err)
	}
	if _, err := cp.Put(context.Background(), agent.Checkpoint{Thread: "x", State: []byte(`{}`), Next: []agent.Task{{Node: "ghost"}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resume(context.Background(), agent.Config{Thread: "x"}, nil); !errors.Is(err, agent.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), `"ghost"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestCorruptTaskWrites damages the saved writes of a finished parallel
// task: resuming names the checkpoint and the task instead of silently
// running the task again.
func TestCorruptTaskWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.db")
	db, err := agent.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := newCounterGraph()
	g.AddNode("ok", visit("ok"))
	g.AddNode("down", func(context.Context, counterState) (agent.Update[counterState], error) {
		return nil, errors.New("unavailable")
	})
	g.AddEdge(agent.Start, "ok")
	g.AddEdge(agent.Start, "down")
	g.AddEdge("ok", agent.End)
	g.AddEdge("down", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{Checkpointer: db})
	if _, err := r.Invoke(context.Background(), agent.Config{Thread: "w"}, counterState{}); err == nil {
		t.Fatal("the failing branch did not fail the run")
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`UPDATE writes SET writes = CAST('[{"field":"count","value":"OTk="}]' AS BLOB)`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tampering: %v rows, %v", n, err)
	}
	_, err = r.Resume(context.Background(), agent.Config{Thread: "w"}, nil)
	if !errors.Is(err, agent.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), "task 0 (ok)") {
		t.Fatalf("err = %v", err)
	}
}
