package agent_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mlprep/mlprep/agent"
)

// Essay is the state of the examples: a draft revised until a reviewer is
// satisfied.
type Essay struct {
	Draft    string   `json:"draft"`
	Feedback []string `json:"feedback"`
	Rounds   int      `json:"rounds"`
}

var (
	draft    = agent.NewField("draft", func(s *Essay) *string { return &s.Draft }, nil)
	feedback = agent.NewField("feedback", func(s *Essay) *[]string { return &s.Feedback }, agent.Append[string])
	rounds   = agent.NewField("rounds", func(s *Essay) *int { return &s.Rounds }, func(a, b int) int { return a + b })
)

func essayGraph() *agent.Graph[Essay] {
	g := agent.NewGraph[Essay](draft, feedback, rounds)
	g.AddNode("write", func(_ context.Context, s Essay) (agent.Update[Essay], error) {
		return agent.Update[Essay]{draft.Set(s.Draft + "+"), rounds.Set(1)}, nil
	})
	g.AddNode("review", func(_ context.Context, s Essay) (agent.Update[Essay], error) {
		if len(s.Draft) < 3 {
			return agent.Update[Essay]{feedback.Set([]string{"too short"})}, nil
		}
		return agent.Update[Essay]{feedback.Set([]string{"approved"})}, nil
	})
	g.AddEdge(agent.Start, "write")
	g.AddEdge("write", "review")
	g.AddConditionalEdge("review", func(s Essay) string {
		if s.Feedback[len(s.Feedback)-1] == "approved" {
			return agent.End
		}
		return "write"
	}, "write", agent.End)
	return g
}

// A write–review loop: each field merges through its own reducer (draft is
// replaced, feedback appended, rounds summed) and the router loops until the
// reviewer approves.
func Example() {
	r, err := essayGraph().Compile(agent.CompileOptions{})
	if err != nil {
		panic(err)
	}
	final, err := r.Invoke(context.Background(), agent.Config{}, Essay{Draft: "x"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s after %d rounds, feedback %q\n", final.Draft, final.Rounds, final.Feedback)
	// Output: x++ after 2 rounds, feedback ["too short" "approved"]
}

// Stream reports each step as it happens.
func ExampleRunnable_Stream() {
	r, _ := essayGraph().Compile(agent.CompileOptions{})
	for ev, err := range r.Stream(context.Background(), agent.Config{}, Essay{Draft: "x"}) {
		if err != nil {
			panic(err)
		}
		if ev.Kind == agent.StepEnd {
			fmt.Printf("step %d: draft %q, next %v\n", ev.Step, ev.State.Draft, ev.Next)
		}
	}
	// Output:
	// step -1: draft "x", next [write]
	// step 0: draft "x+", next [review]
	// step 1: draft "x+", next [write]
	// step 2: draft "x++", next [review]
	// step 3: draft "x++", next []
}

// A human approves each draft: the run stops before "review", the human's
// note is merged into the state, and Resume carries on from the checkpoint.
func ExampleRunnable_Resume() {
	r, _ := essayGraph().Compile(agent.CompileOptions{
		Checkpointer:    &agent.MemoryCheckpointer{},
		InterruptBefore: []string{"review"},
	})
	cfg := agent.Config{Thread: "essay-1"}
	_, err := r.Invoke(context.Background(), cfg, Essay{Draft: "x"})
	for errors.Is(err, agent.ErrInterrupted) {
		snap, _ := r.State(context.Background(), cfg)
		fmt.Printf("paused before %v with draft %q\n", snap.Next, snap.State.Draft)
		_, err = r.Resume(context.Background(), cfg, agent.Update[Essay]{feedback.Set([]string{"human: ok"})})
	}
	final, _ := r.State(context.Background(), cfg)
	fmt.Println(strings.Join(final.State.Feedback, "; "))
	// Output:
	// paused before [review] with draft "x+"
	// paused before [review] with draft "x++"
	// human: ok; too short; human: ok; approved
}

// Map-reduce: one task per item, run in parallel, reduced in Send order.
func ExampleGraph_AddSendEdge() {
	type Job struct {
		Items   []string `json:"items"`
		Results []string `json:"results"`
	}
	results := agent.NewField("results", func(s *Job) *[]string { return &s.Results }, agent.Append[string])
	g := agent.NewGraph[Job](results)
	g.AddNode("upper", func(_ context.Context, s Job) (agent.Update[Job], error) {
		return agent.Update[Job]{results.Set([]string{strings.ToUpper(s.Items[0])})}, nil
	})
	g.AddSendEdge(agent.Start, func(s Job) []agent.Send[Job] {
		var sends []agent.Send[Job]
		for _, it := range s.Items {
			sends = append(sends, agent.Send[Job]{To: "upper", State: Job{Items: []string{it}}})
		}
		return sends
	}, "upper")
	g.AddEdge("upper", agent.End)
	r, _ := g.Compile(agent.CompileOptions{})
	out, _ := r.Invoke(context.Background(), agent.Config{}, Job{Items: []string{"plan", "search", "review"}})
	fmt.Println(out.Results)
	// Output: [PLAN SEARCH REVIEW]
}

func ExampleRunnable_Mermaid() {
	r, _ := essayGraph().Compile(agent.CompileOptions{})
	fmt.Print(r.Mermaid())
	// Output:
	// graph TD;
	// 	__start__(["__start__"]):::first
	// 	write("write")
	// 	review("review")
	// 	__end__(["__end__"]):::last
	// 	__start__ --> write;
	// 	write --> review;
	// 	review -.-> write;
	// 	review -.-> __end__;
	// 	classDef first fill-opacity:0
	// 	classDef last fill:#bfb6fc
}

// The prebuilt ReAct agent with an offline scripted model: the model calls
// the tool, reads its result, then answers.
func ExampleNewReActAgent() {
	lookup := agent.NewTool("lookup", "look up a term in the glossary",
		`{"type":"object","properties":{"term":{"type":"string"}},"required":["term"]}`,
		func(_ context.Context, a struct{ Term string }) (string, error) {
			return map[string]string{"lora": "low-rank adaptation: W + BA with rank r"}[strings.ToLower(a.Term)], nil
		})
	model := agent.NewScriptedModel(
		agent.Message{ToolCalls: []agent.ToolCall{{ID: "1", Name: "lookup", Arguments: `{"term":"LoRA"}`}}},
		agent.Message{Content: "LoRA adds a trainable low-rank update BA to a frozen W."},
	)
	r, _ := agent.NewReActAgent(model, []agent.Tool{lookup}, agent.ReActOptions{})
	out, _ := r.Invoke(context.Background(), agent.Config{}, agent.ReActState{
		Messages: []agent.Message{{Role: agent.RoleUser, Content: "What is LoRA?"}},
	})
	for _, m := range out.Messages {
		switch {
		case len(m.ToolCalls) > 0:
			fmt.Printf("%s: call %s(%s)\n", m.Role, m.ToolCalls[0].Name, m.ToolCalls[0].Arguments)
		default:
			fmt.Printf("%s: %s\n", m.Role, m.Content)
		}
	}
	// Output:
	// user: What is LoRA?
	// assistant: call lookup({"term":"LoRA"})
	// tool: low-rank adaptation: W + BA with rank r
	// assistant: LoRA adds a trainable low-rank update BA to a frozen W.
}
