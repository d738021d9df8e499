package rag

import (
	"context"
	"fmt"
)

// ChatClient calls POST /chat/completions of an OpenAI-compatible Endpoint,
// just enough for LLMAnswerer and LLMVerifier: a list of messages in, the
// first choice's text out. (The agent package has a fuller client; rag keeps
// its own small one so that neither imports the other.)
type ChatClient struct {
	Endpoint
	// Model is the model name, or the deployment name on Azure.
	Model string
	// MaxTokens caps the answer (0 leaves it to the server).
	MaxTokens int
}

// Message is one chat turn; Role is "system", "user" or "assistant".
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string         `json:"model"`
	Messages       []Message      `json:"messages"`
	Temperature    float64        `json:"temperature"`
	MaxTokens      int            `json:"max_tokens,omitempty"`
	ResponseFormat map[string]any `json:"response_format,omitempty"`
}

type chatResponse struct {
	Choices []struct {
		Message      Message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	} `json:"choices"`
}

// Complete sends messages at temperature 0 and returns the answer text.
// With jsonObject set it asks for a JSON object ("response_format":
// {"type": "json_object"}); the caller still validates what comes back.
func (c *ChatClient) Complete(ctx context.Context, messages []Message, jsonObject bool) (string, error) {
	req := chatRequest{Model: c.Model, Messages: messages, MaxTokens: c.MaxTokens}
	if jsonObject {
		req.ResponseFormat = map[string]any{"type": "json_object"}
	}
	var resp chatResponse
	if err := c.post(ctx, "chat/completions", c.Model, req, &resp); err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("%w: chat answer without choices", ErrAPI)
	}
	ch := resp.Choices[0]
	if ch.Message.Content == "" {
		return "", fmt.Errorf("%w: empty chat answer (finish_reason %q)", ErrAPI, ch.FinishReason)
	}
	return ch.Message.Content, nil
}
