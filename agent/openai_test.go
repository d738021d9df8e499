package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlprep/mlprep/agent"
)

// chatServer is a loopback server speaking the chat-completions protocol:
// handle answers each request; requests are counted and the last body kept.
type chatServer struct {
	*httptest.Server
	requests atomic.Int32
	lastBody atomic.Value // map[string]any
	lastReq  atomic.Value // *http.Request
}

func newChatServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *chatServer {
	t.Helper()
	s := &chatServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.requests.Add(1))
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
		s.lastBody.Store(body)
		s.lastReq.Store(r.Clone(context.Background()))
		handle(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *chatServer) client() *agent.OpenAIClient {
	return &agent.OpenAIClient{
		BaseURL: s.URL + "/v1", APIKey: "sk-test", Model: "test-model",
		Timeout: 2 * time.Second, Retry: agent.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond},
	}
}

const completionWithTools = `{"id":"c1","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls",
 "message":{"role":"assistant","content":null,"tool_calls":[
  {"id":"call_1","type":"function","function":{"name":"search","arguments":"{\"query\":\"lora\"}"}},
  {"id":"call_2","type":"function","function":{"name":"calc","arguments":"{\"x\":2}"}}]}}],
 "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`

var searchSpec = agent.ToolSpec{Name: "search", Description: "search the notes", Parameters: json.RawMessage(`{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}`)}

func TestOpenAIToolCalls(t *testing.T) {
	s := newChatServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		io.WriteString(w, completionWithTools)
	})
	msgs := []agent.Message{
		{Role: agent.RoleSystem, Content: "be brief"},
		{Role: agent.RoleUser, Content: "what is lora?"},
		{Role: agent.RoleAssistant, ToolCalls: []agent.ToolCall{{ID: "call_0", Name: "search", Arguments: `{"query":"x"}`}}},
		{Role: agent.RoleTool, ToolCallID: "call_0", Name: "search", Content: "nothing"},
	}
	got, err := s.client().Chat(context.Background(), msgs, []agent.ToolSpec{searchSpec})
	if err != nil {
		t.Fatal(err)
	}
	want := []agent.ToolCall{{ID: "call_1", Name: "search", Arguments: `{"query":"lora"}`}, {ID: "call_2", Name: "calc", Arguments: `{"x":2}`}}
	if got.Role != agent.RoleAssistant || got.Content != "" || !slices.Equal(got.ToolCalls, want) {
		t.Fatalf("got %+v", got)
	}
	req := s.lastReq.Load().(*http.Request)
	if req.URL.Path != "/v1/chat/completions" || req.Header.Get("Authorization") != "Bearer sk-test" {
		t.Fatalf("request %s %v", req.URL, req.Header)
	}
	body := s.lastBody.Load().(map[string]any)
	wire, _ := json.Marshal(body)
	for _, part := range []string{
		`"model":"test-model"`,
		`{"content":null,"role":"assistant","tool_calls":[{"function":{"arguments":"{\"query\":\"x\"}","name":"search"},"id":"call_0","type":"function"}]}`,
		`{"content":"nothing","name":"search","role":"tool","tool_call_id":"call_0"}`,
		`"tools":[{"function":{"description":"search the notes","name":"search","parameters":{"properties":{"query":{"type":"string"}},"required":["query"],"type":"object"}},"type":"function"}]`,
	} {
		if !strings.Contains(string(wire), part) {
			t.Errorf("request body lacks %s\nbody: %s", part, wire)
		}
	}
	if _, streamed := body["stream"]; streamed {
		t.Error("stream sent for a non-streaming client")
	}
}

func TestAzureConventions(t *testing.T) {
	s := newChatServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`)
	})
	c := s.client()
	c.BaseURL = s.URL + "/openai/deployments/gpt-4o"
	c.AzureAPIVersion = "2024-10-21"
	got, err := c.Chat(context.Background(), []agent.Message{{Role: agent.RoleUser, Content: "hello"}}, nil)
	if err != nil || got.Content != "hi" {
		t.Fatalf("%+v, %v", got, err)
	}
	req := s.lastReq.Load().(*http.Request)
	if req.URL.Path != "/openai/deployments/gpt-4o/chat/completions" || req.URL.Query().Get("api-version") != "2024-10-21" ||
		req.Header.Get("api-key") != "sk-test" || req.Header.Get("Authorization") != "" {
		t.Fatalf("request %s %v", req.URL, req.Header)
	}
}

// sse writes server-sent events, flushing after each.
func sse(w http.ResponseWriter, events ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, e := range events {
		io.WriteString(w, e)
		w.(http.Flusher).Flush()
	}
}

func TestOpenAIStreamingThroughAGraph(t *testing.T) {
	s := newChatServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		sse(w,
			": keep-alive comment\n\n",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Low-rank \"}}]}\r\n\r\n",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"adapters.\"}}]}\n\n",
			// Two tool calls whose deltas interleave, as parallel calls do.
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"search","arguments":""}}]}}]}`+"\n\n",
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"calc","arguments":"{\"x\":"}}]}}]}`+"\n\n",
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"query\":"}}]}}]}`+"\n\n",
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"3}"}}]}}]}`+"\n\n",
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"lora\"}"}}]}}]}`+"\n\n",
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`+"\n\n",
			"data: [DONE]\n\n",
		)
	})
	c := s.client()
	c.Stream = true
	r, err := agent.NewReActAgent(c, nil, agent.ReActOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the first model turn matters here: stop after it.
	var tokens []string
	var reply agent.Message
	for ev, err := range r.Stream(context.Background(), agent.Config{}, agent.ReActState{Messages: []agent.Message{{Role: agent.RoleUser, Content: "lora?"}}}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == agent.Token {
			tokens = append(tokens, ev.Token)
		}
		if ev.Kind == agent.StepEnd && ev.Step == 0 {
			reply = ev.State.Messages[1]
			break
		}
	}
	if !slices.Equal(tokens, []string{"Low-rank ", "adapters."}) {
		t.Fatalf("tokens %q", tokens)
	}
	want := []agent.ToolCall{{ID: "call_a", Name: "search", Arguments: `{"query":"lora"}`}, {ID: "call_b", Name: "calc", Arguments: `{"x":3}`}}
	if reply.Content != "Low-rank adapters." || !slices.Equal(reply.ToolCalls, want) {
		t.Fatalf("reply %+v", reply)
	}
	if body := s.lastBody.Load().(map[string]any); body["stream"] != true {
		t.Fatalf("stream flag not sent: %v", body)
	}
}

func TestOpenAIFailures(t *testing.T) {
	cases := []struct {
		name     string
		stream   bool
		handle   func(w http.ResponseWriter, r *http.Request, n int)
		requests int
		check    func(error) bool
		text     string
	}{
		{"server error then success", false, func(w http.ResponseWriter, r *http.Request, n int) {
			if n < 3 {
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"ok"}}]}`)
		}, 3, func(err error) bool { return err == nil }, ""},
		{"bad request is not retried", false, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"unknown model","type":"invalid_request_error","code":"model_not_found"}}`)
		}, 1, func(err error) bool {
			var api *agent.APIError
			return errors.As(err, &api) && api.StatusCode == 400 && api.Code == "model_not_found"
		}, "unknown model"},
		{"rate limit exhausts retries", false, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"message":"slow down","type":"rate_limit"}}`)
		}, 3, func(err error) bool {
			var api *agent.APIError
			return errors.As(err, &api) && api.StatusCode == 429
		}, "attempt 3 of 3"},
		{"malformed JSON", false, func(w http.ResponseWriter, r *http.Request, n int) {
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"unterminated`)
		}, 1, func(err error) bool { return err != nil }, "malformed response"},
		{"no choices", false, func(w http.ResponseWriter, r *http.Request, n int) {
			io.WriteString(w, `{"choices":[]}`)
		}, 1, func(err error) bool { return err != nil }, "no choices"},
		{"hang is a timeout, retried", false, func(w http.ResponseWriter, r *http.Request, n int) {
			<-r.Context().Done()
		}, 3, func(err error) bool { return errors.Is(err, agent.ErrLLMTimeout) }, "nothing received"},
		{"stream hangs after a token: not retried", true, func(w http.ResponseWriter, r *http.Request, n int) {
			sse(w, "data: {\"choices\":[{\"delta\":{\"content\":\"partial\"}}]}\n\n")
			<-r.Context().Done()
		}, 1, func(err error) bool { return errors.Is(err, agent.ErrLLMTimeout) }, "attempt 1 of 3"},
		{"stream cut short", true, func(w http.ResponseWriter, r *http.Request, n int) {
			sse(w, "data: {\"choices\":[{\"delta\":{\"content\":\"partial\"}}]}\n\n")
		}, 1, func(err error) bool { return err != nil }, "stream ended before [DONE]"},
		{"stream error event", true, func(w http.ResponseWriter, r *http.Request, n int) {
			sse(w, "data: {\"error\":{\"message\":\"context length exceeded\",\"type\":\"invalid_request_error\"}}\n\n")
		}, 1, func(err error) bool {
			var api *agent.APIError
			return errors.As(err, &api)
		}, "context length exceeded"},
		{"malformed stream chunk", true, func(w http.ResponseWriter, r *http.Request, n int) {
			sse(w, "data: {\"choices\":[{\"delta\":{\"content\":\n\n")
		}, 1, func(err error) bool { return err != nil }, "stream chunk"},
		{"tool call delta without a name", true, func(w http.ResponseWriter, r *http.Request, n int) {
			sse(w, `data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`+"\n\n", "data: [DONE]\n\n")
		}, 1, func(err error) bool { return err != nil }, "no function name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newChatServer(t, c.handle)
			cl := s.client()
			cl.Stream = c.stream
			if strings.Contains(c.name, "hang") {
				cl.Timeout = 150 * time.Millisecond
			}
			_, err := cl.Chat(context.Background(), []agent.Message{{Role: agent.RoleUser, Content: "hi"}}, nil)
			if !c.check(err) || (c.text != "" && (err == nil || !strings.Contains(err.Error(), c.text))) {
				t.Fatalf("err = %v", err)
			}
			if n := int(s.requests.Load()); n != c.requests {
				t.Fatalf("%d requests, want %d", n, c.requests)
			}
		})
	}
}

func TestOpenAICancellation(t *testing.T) {
	s := newChatServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.client().Chat(ctx, []agent.Message{{Role: agent.RoleUser, Content: "hi"}}, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestOpenAIBadBaseURL(t *testing.T) {
	_, err := (&agent.OpenAIClient{BaseURL: "localhost:11434"}).Chat(context.Background(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "not an absolute URL") {
		t.Fatalf("err = %v", err)
	}
}

// TestReActOverHTTP runs the prebuilt agent against the loopback server: the
// model calls a tool, reads its result and answers.
func TestReActOverHTTP(t *testing.T) {
	var s *chatServer
	s = newChatServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"search","arguments":"{\"query\":\"rank\"}"}}]}}]}`)
			return
		}
		var body struct {
			Messages []struct {
				Role, Content string
			}
		}
		raw, _ := json.Marshal(s.lastBody.Load())
		json.Unmarshal(raw, &body)
		last := body.Messages[len(body.Messages)-1]
		fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","content":%q}}]}`, "From the notes: "+last.Content)
	})
	search := agent.NewTool("search", "search the notes", string(searchSpec.Parameters), func(_ context.Context, a struct{ Query string }) (string, error) {
		return "LoRA freezes W and learns a rank-" + a.Query + " update BA.", nil
	})
	r, err := agent.NewReActAgent(s.client(), []agent.Tool{search}, agent.ReActOptions{System: "use the tools"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Invoke(context.Background(), agent.Config{}, agent.ReActState{Messages: []agent.Message{{Role: agent.RoleUser, Content: "what is lora?"}}})
	if err != nil {
		t.Fatal(err)
	}
	final := got.Messages[len(got.Messages)-1]
	if len(got.Messages) != 4 || final.Content != "From the notes: LoRA freezes W and learns a rank-rank update BA." {
		t.Fatalf("messages %+v", got.Messages)
	}
}
