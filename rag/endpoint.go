package rag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mlprep/mlprep/internal/retryafter"
)

// Endpoint is an OpenAI-compatible HTTP API: OpenAI itself, Azure OpenAI,
// or a local server that speaks the same protocol (Ollama, vLLM, llama.cpp).
// The zero value of every optional field is usable.
type Endpoint struct {
	// BaseURL is the API root: "https://api.openai.com/v1",
	// "http://localhost:11434/v1" (Ollama), "http://localhost:8000/v1"
	// (vLLM), or for Azure the resource, "https://NAME.openai.azure.com".
	BaseURL string
	// APIKey is sent as "Authorization: Bearer KEY", or as the "api-key"
	// header for Azure. Empty sends neither (local servers).
	APIKey string
	// Azure selects Azure OpenAI's routing: the model name is the
	// deployment, POST {BaseURL}/openai/deployments/{deployment}/{operation}
	// ?api-version={APIVersion}.
	Azure bool
	// APIVersion is Azure's api-version (default "2024-10-21").
	APIVersion string
	// Timeout bounds each attempt (default 60 s); the caller's context
	// bounds the whole call, retries included.
	Timeout time.Duration
	// MaxRetries is how often a 429, a 5xx or a network error is retried
	// (default 3; negative for none). Other errors are not retried.
	MaxRetries int
	// Backoff is the wait before the first retry (default 500 ms), doubled
	// each time; a Retry-After header, when present, is used instead (up to
	// one minute).
	Backoff time.Duration
	// HTTPClient sends the requests (default http.DefaultClient).
	HTTPClient *http.Client
}

// maxResponse bounds a response body, so a broken server cannot make the
// client buffer without limit.
const maxResponse = 256 << 20

// post sends one JSON request to operation ("embeddings", "chat/completions")
// for model, retrying transient failures, and decodes the JSON answer into out.
func (e Endpoint) post(ctx context.Context, operation, model string, body, out any) error {
	target, err := e.url(operation, model)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("rag: encode request: %w", err)
	}
	retries := e.MaxRetries
	if retries == 0 {
		retries = 3
	}
	backoff := e.Backoff
	if backoff == 0 {
		backoff = 500 * time.Millisecond
	}
	for attempt := 0; ; attempt++ {
		wait, err := e.once(ctx, target, payload, out)
		if err == nil {
			return nil
		}
		if wait < 0 || attempt >= retries || ctx.Err() != nil {
			return err
		}
		if wait == 0 {
			wait = backoff << attempt
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (while waiting to retry after: %v)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

// once makes one attempt. It returns wait < 0 when the error is final, and
// otherwise how long the server asked to wait (0 if it did not say).
func (e Endpoint) once(ctx context.Context, target string, payload []byte, out any) (time.Duration, error) {
	timeout := e.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return -1, fmt.Errorf("rag: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if e.APIKey != "" {
		if e.Azure {
			req.Header.Set("api-key", e.APIKey)
		} else {
			req.Header.Set("Authorization", "Bearer "+e.APIKey)
		}
	}
	client := e.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("%w: %s: no answer within %v", ErrAPI, target, timeout)
		}
		return 0, fmt.Errorf("%w: %v", ErrAPI, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return 0, fmt.Errorf("%w: %s: reading the answer: %v", ErrAPI, target, err)
	}
	if len(data) > maxResponse {
		return -1, fmt.Errorf("%w: %s: answer larger than %d bytes", ErrAPI, target, maxResponse)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("%w: %s: HTTP %d: %s", ErrAPI, target, resp.StatusCode, apiMessage(data))
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return min(retryafter.Parse(resp.Header.Get("Retry-After")), time.Minute), err
		}
		return -1, err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return -1, fmt.Errorf("%w: %s: answer is not the expected JSON: %v", ErrAPI, target, err)
	}
	return 0, nil
}

func (e Endpoint) url(operation, model string) (string, error) {
	base := strings.TrimRight(e.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%w: base URL %q is not an absolute URL", ErrAPI, e.BaseURL)
	}
	if !e.Azure {
		return base + "/" + operation, nil
	}
	version := e.APIVersion
	if version == "" {
		version = "2024-10-21"
	}
	return base + "/openai/deployments/" + url.PathEscape(model) + "/" + operation + "?api-version=" + url.QueryEscape(version), nil
}

// apiMessage extracts {"error": {"message": ...}} or shows the start of a
// body that is not in that shape.
func apiMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}
