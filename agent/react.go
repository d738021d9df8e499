package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReActState is the state of the prebuilt tool-calling agent: the
// conversation, grown through Append.
type ReActState struct {
	Messages []Message `json:"messages"`
}

// ReActMessages is ReActState's field; use it to add messages in a Resume
// (a human's reply, an edited tool call).
var ReActMessages = NewField("messages", func(s *ReActState) *[]Message { return &s.Messages }, Append[Message])

// ReActOptions configure NewReActAgent. The zero value works.
type ReActOptions struct {
	// System is sent before the conversation on every model call (it is not
	// stored in the state).
	System string
	// ToolTimeout bounds each tool call (default 30 s); a tool that ignores
	// its context is abandoned and the model is told it timed out.
	ToolTimeout time.Duration
	// Compile is passed to Compile: a Checkpointer, InterruptBefore "tools"
	// for a human to approve tool calls, the RecursionLimit (each model or
	// tool turn is one super-step).
	Compile CompileOptions
}

// NewReActAgent builds the ReAct loop (Yao et al., 2023) as a graph: the
// "model" node asks the model; if its reply calls tools, each call becomes
// a "tools" task (a Send, so the calls run in parallel and are checkpointed
// one by one) whose result returns to the model as a tool message; a reply
// without tool calls ends the run. Tool failures, unknown tools, malformed
// arguments, panics and timeouts are reported to the model as the tool's
// result, so it can correct itself, as LangGraph's ToolNode does.
func NewReActAgent(model ChatModel, tools []Tool, opts ReActOptions) (*Runnable[ReActState], error) {
	byName := map[string]Tool{}
	specs := make([]ToolSpec, len(tools))
	for i, t := range tools {
		specs[i] = t.Spec()
		if _, dup := byName[specs[i].Name]; dup {
			return nil, fmt.Errorf("%w: two tools named %q", ErrInvalidGraph, specs[i].Name)
		}
		byName[specs[i].Name] = t
	}
	timeout := opts.ToolTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	g := NewGraph[ReActState](ReActMessages)
	g.AddNode("model", func(ctx context.Context, s ReActState) (Update[ReActState], error) {
		msgs := s.Messages
		if opts.System != "" {
			msgs = slices.Concat([]Message{{Role: RoleSystem, Content: opts.System}}, msgs)
		}
		reply, err := model.Chat(ctx, msgs, specs)
		if err != nil {
			return nil, err
		}
		reply.Role = RoleAssistant
		return Update[ReActState]{ReActMessages.Set([]Message{reply})}, nil
	})
	g.AddNode("tools", func(ctx context.Context, s ReActState) (Update[ReActState], error) {
		// A Send's state holds exactly the call to make.
		call := s.Messages[len(s.Messages)-1].ToolCalls[0]
		result, err := runTool(ctx, byName, call, timeout)
		if err != nil {
			return nil, err
		}
		return Update[ReActState]{ReActMessages.Set([]Message{{Role: RoleTool, ToolCallID: call.ID, Name: call.Name, Content: result}})}, nil
	})
	g.AddEdge(Start, "model")
	g.AddSendEdge("model", func(s ReActState) []Send[ReActState] {
		last := s.Messages[len(s.Messages)-1]
		sends := make([]Send[ReActState], len(last.ToolCalls))
		for i, c := range last.ToolCalls {
			sends[i] = Send[ReActState]{To: "tools", State: ReActState{Messages: []Message{{Role: RoleAssistant, ToolCalls: []ToolCall{c}}}}}
		}
		return sends
	}, "tools")
	g.AddEdge("tools", "model")
	return g.Compile(opts.Compile)
}

// runTool calls the named tool and returns the text the model reads: the
// result, or "error: …" saying what went wrong. Only the cancellation of
// the run itself is an error.
func runTool(ctx context.Context, tools map[string]Tool, call ToolCall, timeout time.Duration) (string, error) {
	t := tools[call.Name]
	if t == nil {
		names := make([]string, 0, len(tools))
		for n := range tools {
			names = append(names, n)
		}
		slices.Sort(names)
		return fmt.Sprintf("error: unknown tool %q; the tools are %s", call.Name, strings.Join(names, ", ")), nil
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		out string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- result{err: fmt.Errorf("tool %q panicked: %v", call.Name, p)}
			}
		}()
		out, err := t.Call(tctx, json.RawMessage(call.Arguments))
		ch <- result{out, err}
	}()
	select {
	case r := <-ch:
		switch {
		case ctx.Err() != nil:
			return "", context.Cause(ctx)
		case r.err != nil:
			return "error: " + r.err.Error(), nil
		}
		return r.out, nil
	case <-tctx.Done():
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		return fmt.Sprintf("error: tool %q timed out after %v", call.Name, timeout), nil
	}
}
