package agent_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlprep/mlprep/agent"
)

type queryArgs struct {
	Query string `json:"query"`
	K     int    `json:"k"`
}

const querySchema = `{"type":"object","properties":{"query":{"type":"string"},"k":{"type":"integer"}},"required":["query"],"additionalProperties":false}`

func TestToolArgumentValidation(t *testing.T) {
	tool := agent.NewTool("search", "search", querySchema, func(_ context.Context, a queryArgs) (string, error) {
		return a.Query + "/" + string(rune('0'+a.K)), nil
	})
	cases := []struct {
		args, want, err string
	}{
		{`{"query":"lora","k":3}`, "lora/3", ""},
		{`{"query":"lora"}`, "lora/0", ""},
		{`{"k":3}`, "", `missing required property "query"`},
		{`{"query":7}`, "", "arguments.query: want a string, got number"},
		{`{"query":"x","k":2.5}`, "", "arguments.k: want an integer"},
		{`{"query":"x","extra":1}`, "", `unknown property "extra"`},
		{`{"query":"x"`, "", "not valid JSON"},
		{`["query"]`, "", "want an object, got array"},
		{``, "", `missing required property "query"`},
	}
	for _, c := range cases {
		got, err := tool.Call(context.Background(), []byte(c.args))
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("%s: %q, %v", c.args, got, err)
			}
			continue
		}
		if !errors.Is(err, agent.ErrToolArguments) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: err = %v, want %q", c.args, err, c.err)
		}
	}
}

func TestNewToolRejectsABadSchema(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), `"broken"`) {
			t.Fatalf("panic %v", p)
		}
	}()
	agent.NewTool("broken", "", `{"type":"string"}`, func(context.Context, string) (string, error) { return "", nil })
}

// TestReActToolFailuresReachTheModel: every way a tool call can go wrong is
// reported to the model as the tool's result, in call order, and the loop
// continues to the model's final answer.
func TestReActToolFailuresReachTheModel(t *testing.T) {
	search := agent.NewTool("search", "search", querySchema, func(_ context.Context, a queryArgs) (string, error) {
		return "found " + a.Query, nil
	})
	failing := agent.NewTool("fetch", "fetch", `{"type":"object"}`, func(context.Context, struct{}) (string, error) {
		return "", errors.New("connection refused")
	})
	release := make(chan struct{})
	defer close(release)
	hanging := agent.NewTool("slow", "slow", `{"type":"object"}`, func(context.Context, struct{}) (string, error) {
		<-release // ignores its context on purpose
		return "late", nil
	})
	panicking := agent.NewTool("crash", "crash", `{"type":"object"}`, func(context.Context, struct{}) (string, error) {
		panic("index out of range")
	})
	model := agent.NewScriptedModel(
		agent.Message{ToolCalls: []agent.ToolCall{
			{ID: "1", Name: "search", Arguments: `{"query":"lora"}`},
			{ID: "2", Name: "fetch", Arguments: `{}`},
			{ID: "3", Name: "slow", Arguments: `{}`},
			{ID: "4", Name: "crash", Arguments: `{}`},
			{ID: "5", Name: "search", Arguments: `{"query":`},
			{ID: "6", Name: "browse", Arguments: `{}`},
		}},
		agent.Message{Content: "done"},
	)
	r, err := agent.NewReActAgent(model, []agent.Tool{search, failing, hanging, panicking},
		agent.ReActOptions{ToolTimeout: 30 * time.Millisecond, Compile: agent.CompileOptions{Checkpointer: &agent.MemoryCheckpointer{}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Invoke(context.Background(), agent.Config{Thread: "tools"}, agent.ReActState{Messages: []agent.Message{{Role: agent.RoleUser, Content: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 9 || got.Messages[8].Content != "done" {
		t.Fatalf("%d messages: %+v", len(got.Messages), got.Messages)
	}
	wants := []string{
		"found lora",
		"error: connection refused",
		`error: tool "slow" timed out after 30ms`,
		`error: tool "crash" panicked: index out of range`,
		"error: agent: bad tool arguments for search: not valid JSON",
		`error: unknown tool "browse"; the tools are crash, fetch, search, slow`,
	}
	for i, w := range wants {
		m := got.Messages[2+i]
		if m.Role != agent.RoleTool || m.ToolCallID != string(rune('1'+i)) || !strings.HasPrefix(m.Content, w) {
			t.Errorf("tool message %d: %+v, want prefix %q", i, m, w)
		}
	}
	// The second model call saw the whole exchange.
	reqs := model.Requests()
	if len(reqs) != 2 || len(reqs[1]) != 8 {
		t.Fatalf("requests %d / %d messages", len(reqs), len(reqs[len(reqs)-1]))
	}
}

// TestReActApprovalInterrupt stops before tool calls run, shows the pending
// call to a human, and runs it only when resumed.
func TestReActApprovalInterrupt(t *testing.T) {
	ran := false
	del := agent.NewTool("delete", "delete a file", `{"type":"object","properties":{"path":{"type":"string"}}}`, func(context.Context, struct{ Path string }) (string, error) {
		ran = true
		return "deleted", nil
	})
	model := agent.NewScriptedModel(
		agent.Message{ToolCalls: []agent.ToolCall{{ID: "d1", Name: "delete", Arguments: `{"path":"/"}`}}},
		agent.Message{Content: "I will not delete it."},
	)
	r, err := agent.NewReActAgent(model, []agent.Tool{del}, agent.ReActOptions{
		Compile: agent.CompileOptions{Checkpointer: &agent.MemoryCheckpointer{}, InterruptBefore: []string{"tools"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := agent.Config{Thread: "approve"}
	_, err = r.Invoke(context.Background(), cfg, agent.ReActState{Messages: []agent.Message{{Role: agent.RoleUser, Content: "clean up"}}})
	if !errors.Is(err, agent.ErrInterrupted) {
		t.Fatalf("err = %v", err)
	}
	snap, _ := r.State(context.Background(), cfg)
	pending := snap.State.Messages[len(snap.State.Messages)-1].ToolCalls
	if !slices.Equal(snap.Next, []string{"tools"}) || ran || len(pending) != 1 || pending[0].Arguments != `{"path":"/"}` {
		t.Fatalf("next %v, pending %v, ran %v", snap.Next, pending, ran)
	}
	_, err = r.Resume(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("approved tool call did not run")
	}
}

func TestScriptedModelRunsOut(t *testing.T) {
	m := agent.NewScriptedModel(agent.Message{Content: "only"})
	if _, err := m.Chat(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Chat(context.Background(), nil, nil); !errors.Is(err, agent.ErrScriptExhausted) {
		t.Fatalf("err = %v", err)
	}
}
