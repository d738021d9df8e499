package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlprep/mlprep/agent"
)

// counterState is the state of most tests: a log that grows through Append,
// a counter that sums, and a last-write-wins string.
type counterState struct {
	Log   []string `json:"log"`
	Count int      `json:"count"`
	Last  string   `json:"last"`
}

var (
	logField   = agent.NewField("log", func(s *counterState) *[]string { return &s.Log }, agent.Append[string])
	countField = agent.NewField("count", func(s *counterState) *int { return &s.Count }, func(old, upd int) int { return old + upd })
	lastField  = agent.NewField("last", func(s *counterState) *string { return &s.Last }, nil)
)

func newCounterGraph() *agent.Graph[counterState] {
	return agent.NewGraph[counterState](logField, countField, lastField)
}

// visit is a node that logs its name, counts one and sets last.
func visit(name string) agent.Node[counterState] {
	return func(context.Context, counterState) (agent.Update[counterState], error) {
		return agent.Update[counterState]{logField.Set([]string{name}), countField.Set(1), lastField.Set(name)}, nil
	}
}

func mustCompile[S any](t testing.TB, g *agent.Graph[S], opts agent.CompileOptions) *agent.Runnable[S] {
	t.Helper()
	r, err := g.Compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReducers(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("a", visit("a"))
	g.AddNode("b", visit("b"))
	g.AddEdge(agent.Start, "a")
	g.AddEdge("a", "b")
	g.AddEdge("b", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	got, err := r.Invoke(context.Background(), agent.Config{}, counterState{Log: []string{"in"}, Count: 10, Last: "in"})
	if err != nil {
		t.Fatal(err)
	}
	want := counterState{Log: []string{"in", "a", "b"}, Count: 12, Last: "b"}
	if !slices.Equal(got.Log, want.Log) || got.Count != want.Count || got.Last != want.Last {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestAppendNeverAliases(t *testing.T) {
	old := make([]string, 1, 8)
	old[0] = "x"
	a := agent.Append(old, []string{"a"})
	b := agent.Append(old, []string{"b"})
	if a[1] != "a" || b[1] != "b" {
		t.Fatalf("appends share storage: %v %v", a, b)
	}
}

func TestConditionalLoopUntilDone(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("work", visit("work"))
	g.AddNode("done", visit("done"))
	g.AddEdge(agent.Start, "work")
	g.AddConditionalEdge("work", func(s counterState) string {
		if s.Count < 3 {
			return "work"
		}
		return "done"
	}, "work", "done")
	g.AddEdge("done", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	got, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"work", "work", "work", "done"}; !slices.Equal(got.Log, want) {
		t.Fatalf("log %v, want %v", got.Log, want)
	}
}

func TestRecursionLimit(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("spin", visit("spin"))
	g.AddEdge(agent.Start, "spin")
	g.AddConditionalEdge("spin", func(counterState) string { return "spin" }, "spin", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{RecursionLimit: 7})
	got, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if !errors.Is(err, agent.ErrRecursionLimit) {
		t.Fatalf("err = %v, want ErrRecursionLimit", err)
	}
	if got.Count != 7 || !strings.Contains(err.Error(), "spin") || !strings.Contains(err.Error(), "7") {
		t.Fatalf("count %d, error %q", got.Count, err)
	}
}

func TestRouterReturningUnknownNode(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("a", visit("a"))
	g.AddNode("b", visit("b"))
	g.AddEdge(agent.Start, "a")
	g.AddConditionalEdge("a", func(counterState) string { return "typo" }, "b", agent.End)
	g.AddEdge("b", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	_, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if !errors.Is(err, agent.ErrUnknownNode) || !strings.Contains(err.Error(), `"typo"`) || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestFanOutJoinIsDeterministic runs three branches with random delays many
// times: the join sees their writes in edge order every time.
func TestFanOutJoinIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sleepy := func(name string) agent.Node[counterState] {
		d := time.Duration(rng.IntN(300)) * time.Microsecond
		return func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
			time.Sleep(d)
			return visit(name)(ctx, s)
		}
	}
	for round := range 20 {
		g := newCounterGraph()
		g.AddNode("split", visit("split"))
		for _, n := range []string{"x", "y", "z"} {
			g.AddNode(n, sleepy(n))
			g.AddEdge("split", n)
			g.AddEdge(n, "join")
		}
		var joins atomic.Int32
		g.AddNode("join", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
			joins.Add(1)
			if !slices.Equal(s.Log, []string{"split", "x", "y", "z"}) {
				return nil, fmt.Errorf("join saw %v", s.Log)
			}
			return visit("join")(ctx, s)
		})
		g.AddEdge(agent.Start, "split")
		g.AddEdge("join", agent.End)
		r := mustCompile(t, g, agent.CompileOptions{Checkpointer: &agent.MemoryCheckpointer{}})
		got, err := r.Invoke(context.Background(), agent.Config{Thread: "t"}, counterState{})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if joins.Load() != 1 || got.Count != 5 || got.Last != "join" {
			t.Fatalf("round %d: joins %d, state %+v", round, joins.Load(), got)
		}
	}
}

// TestSendMapReduce fans out one task per item with its own input state and
// reduces their writes in Send order.
func TestSendMapReduce(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("plan", visit("plan"))
	g.AddNode("square", func(_ context.Context, s counterState) (agent.Update[counterState], error) {
		time.Sleep(time.Duration(10-s.Count) * 100 * time.Microsecond)
		return agent.Update[counterState]{logField.Set([]string{fmt.Sprint(s.Count * s.Count)}), countField.Set(s.Count * s.Count)}, nil
	})
	g.AddNode("sum", visit("sum"))
	g.AddEdge(agent.Start, "plan")
	g.AddSendEdge("plan", func(counterState) []agent.Send[counterState] {
		var sends []agent.Send[counterState]
		for i := 1; i <= 5; i++ {
			sends = append(sends, agent.Send[counterState]{To: "square", State: counterState{Count: i}})
		}
		return sends
	}, "square")
	g.AddEdge("square", "sum")
	g.AddEdge("sum", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{MaxConcurrency: 3})
	got, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"plan", "1", "4", "9", "16", "25", "sum"}; !slices.Equal(got.Log, want) {
		t.Fatalf("log %v, want %v", got.Log, want)
	}
	if got.Count != 1+55+1 {
		t.Fatalf("count %d", got.Count)
	}
}

func TestCompileValidation(t *testing.T) {
	noop := visit("n")
	cases := []struct {
		name  string
		build func(g *agent.Graph[counterState])
		opts  agent.CompileOptions
		want  []string
	}{
		{"no entry", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddEdge("a", agent.End)
		}, agent.CompileOptions{}, []string{"no edge from Start", `"a" is unreachable`}},
		{"unknown target", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", "ghost")
		}, agent.CompileOptions{}, []string{`unknown target node "ghost"`, `"a" has no outgoing edge`}},
		{"unknown source", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", agent.End)
			g.AddEdge("ghost", "a")
		}, agent.CompileOptions{}, []string{`unknown source node "ghost"`}},
		{"router without targets", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddEdge(agent.Start, "a")
			g.AddConditionalEdge("a", func(counterState) string { return agent.End })
		}, agent.CompileOptions{}, []string{`from "a" declares no targets`}},
		{"unreachable", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddNode("island", noop)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", agent.End)
			g.AddEdge("island", agent.End)
		}, agent.CompileOptions{}, []string{`"island" is unreachable`}},
		{"endless loop", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddNode("b", noop)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", "b")
			g.AddEdge("b", "a")
		}, agent.CompileOptions{}, []string{`"a" can never reach End`, `"b" can never reach End`}},
		{"duplicates and reserved", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddNode("a", noop)
			g.AddNode(agent.End, noop)
			g.AddNode("nil", nil)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", agent.End)
		}, agent.CompileOptions{}, []string{`"a" added twice`, "reserved", `"nil" has a nil function`}},
		{"interrupts", func(g *agent.Graph[counterState]) {
			g.AddNode("a", noop)
			g.AddEdge(agent.Start, "a")
			g.AddEdge("a", agent.End)
		}, agent.CompileOptions{InterruptBefore: []string{"ghost"}}, []string{`unknown node "ghost"`, "need a Checkpointer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newCounterGraph()
			c.build(g)
			_, err := g.Compile(c.opts)
			if !errors.Is(err, agent.ErrInvalidGraph) {
				t.Fatalf("err = %v, want ErrInvalidGraph", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestNodePanicNamesTheNode(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("fragile", func(context.Context, counterState) (agent.Update[counterState], error) {
		var m map[string]int
		m["boom"]++
		return nil, nil
	})
	g.AddEdge(agent.Start, "fragile")
	g.AddEdge("fragile", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	_, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	var ne *agent.NodeError
	if !errors.As(err, &ne) || ne.Node != "fragile" || !errors.Is(err, agent.ErrNodePanic) || ne.Attempts != 1 {
		t.Fatalf("err = %v", err)
	}
}

func TestUndeclaredFieldIsAnError(t *testing.T) {
	stray := agent.NewField("stray", func(s *counterState) *string { return &s.Last }, nil)
	g := newCounterGraph()
	g.AddNode("a", func(context.Context, counterState) (agent.Update[counterState], error) {
		return agent.Update[counterState]{stray.Set("x")}, nil
	})
	g.AddEdge(agent.Start, "a")
	g.AddEdge("a", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	_, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if err == nil || !strings.Contains(err.Error(), `"stray"`) || !strings.Contains(err.Error(), "NewGraph") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetriesWithBackoff(t *testing.T) {
	var calls atomic.Int32
	g := newCounterGraph()
	g.AddNode("flaky", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		if calls.Add(1) < 3 {
			return nil, errors.New("transient")
		}
		return visit("flaky")(ctx, s)
	}, agent.Retry(agent.RetryPolicy{MaxAttempts: 4, InitialBackoff: time.Millisecond}))
	g.AddEdge(agent.Start, "flaky")
	g.AddEdge("flaky", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	var retries []int
	var end agent.Event[counterState]
	for ev, err := range r.Stream(context.Background(), agent.Config{}, counterState{}) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind {
		case agent.NodeRetry:
			retries = append(retries, ev.Attempt)
		case agent.NodeEnd:
			end = ev
		}
	}
	if !slices.Equal(retries, []int{1, 2}) || end.Attempt != 3 || end.Err != nil {
		t.Fatalf("retries %v, end %+v", retries, end)
	}

	calls.Store(-100)
	_, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	var ne *agent.NodeError
	if !errors.As(err, &ne) || ne.Attempts != 4 || !strings.Contains(err.Error(), "transient") {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutAbandonsAHungNode(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	g := newCounterGraph()
	g.AddNode("hang", func(context.Context, counterState) (agent.Update[counterState], error) {
		<-release // ignores its context on purpose
		return nil, nil
	}, agent.Timeout(20*time.Millisecond), agent.Retry(agent.RetryPolicy{MaxAttempts: 2, InitialBackoff: time.Millisecond}))
	g.AddEdge(agent.Start, "hang")
	g.AddEdge("hang", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	start := time.Now()
	_, err := r.Invoke(context.Background(), agent.Config{}, counterState{})
	if !errors.Is(err, agent.ErrNodeTimeout) || !strings.Contains(err.Error(), `"hang"`) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v", el)
	}
}

func TestCancellationStopsTheRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := newCounterGraph()
	g.AddNode("slow", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	g.AddEdge(agent.Start, "slow")
	g.AddEdge("slow", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	_, err := r.Invoke(ctx, agent.Config{}, counterState{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestStreamEvents(t *testing.T) {
	g := newCounterGraph()
	g.AddNode("a", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		agent.Emit(ctx, "halfway")
		agent.EmitToken(ctx, "tok")
		return visit("a")(ctx, s)
	})
	g.AddNode("b", visit("b"))
	g.AddNode("c", visit("c"))
	g.AddEdge(agent.Start, "a")
	g.AddEdge("a", "b")
	g.AddEdge("a", "c")
	g.AddEdge("b", agent.End)
	g.AddEdge("c", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{})
	var trace []string
	for ev, err := range r.Stream(context.Background(), agent.Config{}, counterState{}) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind {
		case agent.Custom:
			trace = append(trace, fmt.Sprintf("%d:%s:%v", ev.Step, ev.Kind, ev.Payload))
		case agent.Token:
			trace = append(trace, fmt.Sprintf("%d:%s:%s", ev.Step, ev.Kind, ev.Token))
		case agent.StepEnd:
			trace = append(trace, fmt.Sprintf("%d:%s:%v->%v", ev.Step, ev.Kind, ev.State.Log, ev.Next))
		case agent.NodeStart, agent.NodeEnd:
			if ev.Step == 1 {
				continue // parallel branches: order between b and c varies
			}
			trace = append(trace, fmt.Sprintf("%d:%s:%s", ev.Step, ev.Kind, ev.Node))
		}
	}
	want := []string{
		"-1:step-end:[]->[a]",
		"0:node-start:a", "0:custom:halfway", "0:token:tok", "0:node-end:a",
		"0:step-end:[a]->[b c]",
		"1:step-end:[a b c]->[]",
	}
	if !slices.Equal(trace, want) {
		t.Fatalf("events\n%s\nwant\n%s", strings.Join(trace, "\n"), strings.Join(want, "\n"))
	}
}

func TestBreakingOutOfStreamStopsTheRun(t *testing.T) {
	var ran atomic.Int32
	g := newCounterGraph()
	g.AddNode("loop", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		ran.Add(1)
		return visit("loop")(ctx, s)
	})
	g.AddEdge(agent.Start, "loop")
	g.AddConditionalEdge("loop", func(counterState) string { return "loop" }, "loop", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{RecursionLimit: 1000})
	for ev, err := range r.Stream(context.Background(), agent.Config{}, counterState{}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == agent.StepEnd && ev.Step == 2 {
			break
		}
	}
	if n := ran.Load(); n != 3 {
		t.Fatalf("ran %d nodes after the break, want 3", n)
	}
}

// TestSubgraphEventsReachTheOuterStream: a graph invoked inside a node
// passes its custom events and tokens up to the stream of the outer run.
func TestSubgraphEventsReachTheOuterStream(t *testing.T) {
	inner := newCounterGraph()
	inner.AddNode("deep", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		agent.Emit(ctx, "from inside")
		agent.EmitToken(ctx, "tok")
		return visit("deep")(ctx, s)
	})
	inner.AddEdge(agent.Start, "deep")
	inner.AddEdge("deep", agent.End)
	sub := mustCompile(t, inner, agent.CompileOptions{})

	outer := newCounterGraph()
	outer.AddNode("wrapper", func(ctx context.Context, s counterState) (agent.Update[counterState], error) {
		got, err := sub.Invoke(ctx, agent.Config{}, counterState{})
		if err != nil {
			return nil, err
		}
		return agent.Update[counterState]{logField.Set(got.Log)}, nil
	})
	outer.AddEdge(agent.Start, "wrapper")
	outer.AddEdge("wrapper", agent.End)
	r := mustCompile(t, outer, agent.CompileOptions{})
	var seen []string
	for ev, err := range r.Stream(context.Background(), agent.Config{}, counterState{}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == agent.Custom || ev.Kind == agent.Token {
			seen = append(seen, fmt.Sprintf("%s %s %v%s", ev.Node, ev.Kind, ev.Payload, ev.Token))
		}
	}
	if want := []string{"wrapper custom from inside", "wrapper token <nil>tok"}; !slices.Equal(seen, want) {
		t.Fatalf("events %q, want %q", seen, want)
	}
	agent.Emit(context.Background(), "outside a run: ignored")
}

// jsonCounting is a user Codec: JSON, counting its calls.
type jsonCounting struct{ marshal, unmarshal atomic.Int32 }

func (c *jsonCounting) Marshal(v any) ([]byte, error) {
	c.marshal.Add(1)
	return json.Marshal(v)
}

func (c *jsonCounting) Unmarshal(data []byte, v any) error {
	c.unmarshal.Add(1)
	return json.Unmarshal(data, v)
}

func TestUserCodecEncodesStatesAndWrites(t *testing.T) {
	codec := &jsonCounting{}
	g := newCounterGraph()
	g.AddNode("split", visit("split"))
	g.AddNode("a", visit("a"))
	g.AddNode("b", visit("b"))
	g.AddEdge(agent.Start, "split")
	g.AddEdge("split", "a")
	g.AddEdge("split", "b")
	g.AddEdge("a", agent.End)
	g.AddEdge("b", agent.End)
	r := mustCompile(t, g, agent.CompileOptions{Checkpointer: &agent.MemoryCheckpointer{}, Codec: codec})
	if _, err := r.Invoke(context.Background(), agent.Config{Thread: "c"}, counterState{}); err != nil {
		t.Fatal(err)
	}
	// 3 states (input, split, a+b) and 3 writes for each of a and b.
	if n := codec.marshal.Load(); n != 3+6 {
		t.Fatalf("codec marshalled %d values, want 9", n)
	}
	if _, err := r.State(context.Background(), agent.Config{Thread: "c"}); err != nil || codec.unmarshal.Load() == 0 {
		t.Fatalf("state read without the codec: %v", err)
	}
}
