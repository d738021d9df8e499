package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mlprep/mlprep/internal/retryafter"
)

// OpenAIClient is a ChatModel speaking the OpenAI chat-completions protocol
// (POST {BaseURL}/chat/completions), which OpenAI, Azure OpenAI, Ollama,
// vLLM and the llama.cpp server all serve:
//
//	OpenAI      BaseURL "https://api.openai.com/v1", APIKey
//	Azure       BaseURL "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT",
//	            APIKey, AzureAPIVersion "2024-10-21"
//	Ollama      BaseURL "http://localhost:11434/v1"
//	vLLM        BaseURL "http://HOST:8000/v1"
//	llama.cpp   BaseURL "http://HOST:8080/v1"
//
// With Stream, the reply arrives as server-sent events; its text is emitted
// token by token with EmitToken and tool calls are assembled from their
// deltas. Failed attempts (network errors, timeouts, 408, 429, 5xx) are
// retried with backoff, honouring Retry-After, except once a streamed reply
// has started: its tokens are already out. Safe for concurrent use once
// configured.
type OpenAIClient struct {
	BaseURL string
	APIKey  string
	Model   string
	// AzureAPIVersion switches to Azure's conventions: the key goes in the
	// api-key header and the version in the api-version query parameter.
	AzureAPIVersion string
	Stream          bool
	// Temperature and MaxTokens are sent when set.
	Temperature *float64
	MaxTokens   int
	// Timeout is how long an attempt may go without receiving a byte
	// (waiting for headers or between chunks); default 60 s.
	Timeout time.Duration
	// Retry is the retry policy of failed attempts; MaxAttempts 0 means 3
	// attempts with jittered backoff (from 500 ms unless set); 1 disables.
	Retry RetryPolicy
	// HTTPClient defaults to a client without an overall timeout (Timeout
	// bounds silence instead, which suits long streams).
	HTTPClient *http.Client
}

// ErrLLMTimeout: the server sent nothing for OpenAIClient.Timeout.
var ErrLLMTimeout = errors.New("agent: LLM server timed out")

// An APIError is an error response of the server (HTTP status and the
// OpenAI error object).
type APIError struct {
	StatusCode          int
	Type, Code, Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("agent: chat completions: HTTP %d: %s (type %q, code %q)", e.StatusCode, e.Message, e.Type, e.Code)
}

// retryable: rate limits, timeouts and server-side failures.
func (e *APIError) retryable() bool {
	return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// Wire format of the chat-completions API.
type (
	wireRequest struct {
		Model       string        `json:"model,omitempty"`
		Messages    []wireMessage `json:"messages"`
		Tools       []wireTool    `json:"tools,omitempty"`
		Stream      bool          `json:"stream,omitempty"`
		Temperature *float64      `json:"temperature,omitempty"`
		MaxTokens   int           `json:"max_tokens,omitempty"`
	}
	wireMessage struct {
		Role       string         `json:"role"`
		Content    *string        `json:"content"`
		ToolCalls  []wireToolCall `json:"tool_calls,omitempty"`
		ToolCallID string         `json:"tool_call_id,omitempty"`
		Name       string         `json:"name,omitempty"`
	}
	wireToolCall struct {
		Index    *int   `json:"index,omitempty"`
		ID       string `json:"id,omitempty"`
		Type     string `json:"type,omitempty"`
		Function struct {
			Name      string `json:"name,omitempty"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	wireTool struct {
		Type     string   `json:"type"`
		Function ToolSpec `json:"function"`
	}
	wireResponse struct {
		Choices []struct {
			Message      wireMessage `json:"message"`
			Delta        wireMessage `json:"delta"`
			FinishReason *string     `json:"finish_reason"`
		} `json:"choices"`
		Error *wireError `json:"error"`
	}
	wireError struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    any    `json:"code"`
	}
)

func (e *wireError) apiError(status int) *APIError {
	code := ""
	if e.Code != nil {
		code = fmt.Sprint(e.Code)
	}
	return &APIError{StatusCode: status, Type: e.Type, Code: code, Message: e.Message}
}

func toWire(messages []Message, tools []ToolSpec) ([]wireMessage, []wireTool) {
	wm := make([]wireMessage, len(messages))
	for i, m := range messages {
		w := wireMessage{Role: m.Role, ToolCallID: m.ToolCallID, Name: m.Name}
		if m.Content != "" || len(m.ToolCalls) == 0 {
			content := m.Content
			w.Content = &content
		}
		for _, c := range m.ToolCalls {
			var wc wireToolCall
			wc.ID, wc.Type = c.ID, "function"
			wc.Function.Name, wc.Function.Arguments = c.Name, c.Arguments
			w.ToolCalls = append(w.ToolCalls, wc)
		}
		wm[i] = w
	}
	var wt []wireTool
	for _, t := range tools {
		wt = append(wt, wireTool{Type: "function", Function: t})
	}
	return wm, wt
}

func fromWire(w wireMessage) Message {
	m := Message{Role: RoleAssistant}
	if w.Content != nil {
		m.Content = *w.Content
	}
	for _, c := range w.ToolCalls {
		m.ToolCalls = append(m.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
	}
	return m
}

// Chat implements ChatModel.
func (c *OpenAIClient) Chat(ctx context.Context, messages []Message, tools []ToolSpec) (Message, error) {
	wm, wt := toWire(messages, tools)
	body, err := json.Marshal(wireRequest{Model: c.Model, Messages: wm, Tools: wt, Stream: c.Stream, Temperature: c.Temperature, MaxTokens: c.MaxTokens})
	if err != nil {
		return Message{}, fmt.Errorf("agent: chat completions: encoding the request: %w", err)
	}
	endpoint, err := c.endpoint()
	if err != nil {
		return Message{}, err
	}
	policy := c.Retry
	if policy.MaxAttempts == 0 {
		policy.MaxAttempts, policy.Jitter = 3, true
	}
	for attempt := 1; ; attempt++ {
		msg, wait, started, err := c.attempt(ctx, endpoint, body)
		if err == nil {
			return msg, nil
		}
		if attempt >= policy.attempts() || started || !c.worthRetrying(ctx, err) {
			return Message{}, fmt.Errorf("%w (attempt %d of %d)", err, attempt, policy.attempts())
		}
		if err := sleep(ctx, max(wait, policy.backoff(attempt))); err != nil {
			return Message{}, err
		}
	}
}

func (c *OpenAIClient) endpoint() (string, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + "/chat/completions")
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("agent: chat completions: BaseURL %q is not an absolute URL", c.BaseURL)
	}
	if c.AzureAPIVersion != "" {
		q := u.Query()
		q.Set("api-version", c.AzureAPIVersion)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func (c *OpenAIClient) worthRetrying(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var api *APIError
	if errors.As(err, &api) {
		return api.retryable()
	}
	var bad *badResponseError
	return !errors.As(err, &bad)
}

// badResponseError marks a reply that arrived but does not parse: retrying
// the same request against the same server rarely helps.
type badResponseError struct{ err error }

func (e *badResponseError) Error() string {
	return "agent: chat completions: malformed response: " + e.err.Error()
}
func (e *badResponseError) Unwrap() error { return e.err }

// attempt makes one request. wait is the server's Retry-After; started
// reports that streamed tokens were already emitted.
func (c *OpenAIClient) attempt(ctx context.Context, endpoint string, body []byte) (msg Message, wait time.Duration, started bool, err error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(timeout, func() { cancel(fmt.Errorf("%w: nothing received for %v", ErrLLMTimeout, timeout)) })
	defer idle.Stop()

	req, err := http.NewRequestWithContext(actx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Message{}, 0, false, fmt.Errorf("agent: chat completions: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	switch {
	case c.APIKey == "":
	case c.AzureAPIVersion != "":
		req.Header.Set("api-key", c.APIKey)
	default:
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Message{}, 0, false, c.transportError(actx, err)
	}
	defer resp.Body.Close()
	body2 := &idleReader{r: resp.Body, timer: idle, timeout: timeout}
	if resp.StatusCode != http.StatusOK {
		return Message{}, retryafter.Parse(resp.Header.Get("Retry-After")), false, readAPIError(resp.StatusCode, body2)
	}
	if c.Stream {
		msg, started, err := readStream(actx, body2)
		if err != nil {
			err = c.transportError(actx, err)
		}
		return msg, 0, started, err
	}
	data, err := io.ReadAll(io.LimitReader(body2, maxResponseBytes+1))
	if err != nil {
		return Message{}, 0, false, c.transportError(actx, err)
	}
	if len(data) > maxResponseBytes {
		return Message{}, 0, false, &badResponseError{fmt.Errorf("larger than %d bytes", maxResponseBytes)}
	}
	msg, err = decodeCompletion(data)
	return msg, 0, false, err
}

// maxResponseBytes bounds a non-streamed reply (and each stream line).
const maxResponseBytes = 16 << 20

// transportError names a timeout as such rather than as "context canceled".
func (c *OpenAIClient) transportError(actx context.Context, err error) error {
	if cause := context.Cause(actx); errors.Is(cause, ErrLLMTimeout) {
		return cause
	}
	var bad *badResponseError
	var api *APIError
	if errors.As(err, &bad) || errors.As(err, &api) {
		return err
	}
	return fmt.Errorf("agent: chat completions: %w", err)
}

// decodeCompletion parses a non-streamed chat-completions body.
func decodeCompletion(data []byte) (Message, error) {
	var r wireResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return Message{}, &badResponseError{fmt.Errorf("%w in %q", err, snippet(data))}
	}
	if r.Error != nil {
		return Message{}, r.Error.apiError(http.StatusOK)
	}
	if len(r.Choices) == 0 {
		return Message{}, &badResponseError{fmt.Errorf("no choices in %q", snippet(data))}
	}
	return fromWire(r.Choices[0].Message), nil
}

func readAPIError(status int, body io.Reader) error {
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	var r wireResponse
	if json.Unmarshal(data, &r) == nil && r.Error != nil {
		return r.Error.apiError(status)
	}
	return &APIError{StatusCode: status, Message: snippet(data)}
}

func snippet(data []byte) string {
	const n = 200
	if len(data) > n {
		return string(data[:n]) + "…"
	}
	return string(data)
}

// idleReader restarts the attempt's silence timer whenever bytes arrive.
type idleReader struct {
	r       io.Reader
	timer   *time.Timer
	timeout time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	return n, err
}
