package agent_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlprep/mlprep/internal/cputime"

	"github.com/mlprep/mlprep/agent"
)

// count is the node of the overhead benchmarks: one write, no work.
func count(context.Context, counterState) (agent.Update[counterState], error) {
	return agent.Update[counterState]{countField.Set(1)}, nil
}

func linearBenchGraph(steps int) *agent.Graph[counterState] {
	g := newCounterGraph()
	prev := agent.Start
	for i := range steps {
		name := fmt.Sprintf("n%d", i)
		g.AddNode(name, count)
		g.AddEdge(prev, name)
		prev = name
	}
	g.AddEdge(prev, agent.End)
	return g
}

func fanOutBenchGraph(width int) *agent.Graph[counterState] {
	g := newCounterGraph()
	g.AddNode("split", count)
	g.AddNode("join", count)
	for i := range width {
		name := fmt.Sprintf("b%d", i)
		g.AddNode(name, count)
		g.AddEdge("split", name)
		g.AddEdge(name, "join")
	}
	g.AddEdge(agent.Start, "split")
	g.AddEdge("join", agent.End)
	return g
}

// cpuTime is the process's user + system CPU time so far: on a shared
// machine it is steadier than wall time.
func cpuTime(b *testing.B) time.Duration {
	d, ok := cputime.Process()
	if !ok {
		b.Skip("process CPU time is not available on this system")
	}
	return d
}

// benchRuns invokes r b.N times on fresh threads and reports the wall and
// CPU time per node run (tasks counts the node runs of one invocation).
func benchRuns(b *testing.B, r *agent.Runnable[counterState], threads bool, tasks int) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		cfg := agent.Config{}
		if threads {
			cfg.Thread = fmt.Sprint("t", i)
		}
		got, err := r.Invoke(ctx, cfg, counterState{})
		if err != nil || got.Count != tasks {
			b.Fatalf("count %d, %v", got.Count, err)
		}
	}
	steps := float64(b.N * tasks)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/steps/1e3, "µs/step")
	b.ReportMetric(float64(cpuTime(b)-cpu)/steps/1e3, "cpu-µs/step")
}

func BenchmarkLinear1000(b *testing.B) {
	for _, mode := range []string{"none", "memory"} {
		b.Run("checkpointer="+mode, func(b *testing.B) {
			opts := agent.CompileOptions{RecursionLimit: 1001}
			if mode == "memory" {
				opts.Checkpointer = &agent.MemoryCheckpointer{}
			}
			benchRuns(b, mustCompile(b, linearBenchGraph(1000), opts), mode != "none", 1000)
		})
	}
}

func BenchmarkFanOut100(b *testing.B) {
	for _, mode := range []string{"none", "memory"} {
		b.Run("checkpointer="+mode, func(b *testing.B) {
			var opts agent.CompileOptions
			if mode == "memory" {
				opts.Checkpointer = &agent.MemoryCheckpointer{}
			}
			benchRuns(b, mustCompile(b, fanOutBenchGraph(100), opts), mode != "none", 102)
		})
	}
}

func BenchmarkSQLite(b *testing.B) {
	db, err := agent.OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("linear100", func(b *testing.B) {
		benchRuns(b, mustCompile(b, linearBenchGraph(100), agent.CompileOptions{Checkpointer: db, RecursionLimit: 101}), true, 100)
	})
	b.Run("fanout100", func(b *testing.B) {
		benchRuns(b, mustCompile(b, fanOutBenchGraph(100), agent.CompileOptions{Checkpointer: db}), true, 102)
	})
}
