package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Roles of chat messages, as the OpenAI chat-completions API names them.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// A Message is one turn of a chat. Assistant messages may carry ToolCalls;
// the answer to each is a RoleTool message with the call's ID in ToolCallID.
type Message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	// Name is the tool's name on RoleTool messages.
	Name string `json:"name,omitempty"`
}

// A ToolCall is a model's request to run a tool. Arguments is the JSON text
// exactly as the model produced it: it may be malformed, and Tool.Call says so.
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// A ToolSpec describes a tool to a model: its name, what it is for, and a
// JSON Schema of its arguments object.
type ToolSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// A ChatModel answers a conversation, possibly with tool calls. A streaming
// implementation reports text as it arrives with EmitToken, so the tokens
// show up in the graph's Stream.
type ChatModel interface {
	Chat(ctx context.Context, messages []Message, tools []ToolSpec) (Message, error)
}

// ChatFunc adapts a function to ChatModel: rule-based stand-ins, routers
// between models, test doubles.
type ChatFunc func(ctx context.Context, messages []Message, tools []ToolSpec) (Message, error)

// Chat calls f.
func (f ChatFunc) Chat(ctx context.Context, messages []Message, tools []ToolSpec) (Message, error) {
	return f(ctx, messages, tools)
}

// ErrScriptExhausted: a ScriptedModel was asked more often than it has replies.
var ErrScriptExhausted = errors.New("agent: scripted model has no replies left")

// ScriptedModel is a deterministic offline ChatModel: it returns its replies
// in order, one per call, whatever it is asked, and streams each reply's
// text word by word through EmitToken as a server would. It records the
// conversations it was given. Safe for concurrent use (calls take replies in
// arrival order).
type ScriptedModel struct {
	mu       sync.Mutex
	replies  []Message
	requests [][]Message
}

// NewScriptedModel returns a model that answers with replies, in order.
func NewScriptedModel(replies ...Message) *ScriptedModel {
	return &ScriptedModel{replies: replies}
}

// Chat implements ChatModel.
func (m *ScriptedModel) Chat(ctx context.Context, messages []Message, _ []ToolSpec) (Message, error) {
	m.mu.Lock()
	m.requests = append(m.requests, slices.Clone(messages))
	n := len(m.requests)
	if n > len(m.replies) {
		m.mu.Unlock()
		return Message{}, fmt.Errorf("%w (call %d, %d replies)", ErrScriptExhausted, n, len(m.replies))
	}
	reply := m.replies[n-1]
	m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Message{}, err
	}
	for _, word := range strings.SplitAfter(reply.Content, " ") {
		if word != "" {
			EmitToken(ctx, word)
		}
	}
	reply.Role = RoleAssistant
	reply.ToolCalls = slices.Clone(reply.ToolCalls)
	return reply, nil
}

// Requests returns the conversations the model was given, one per call.
func (m *ScriptedModel) Requests() [][]Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.requests)
}
