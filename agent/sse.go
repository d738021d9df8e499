package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
)

// readStream assembles a streamed chat completion from server-sent events:
// "data: {chunk}" lines, events separated by blank lines, ": comments"
// ignored, and "data: [DONE]" at the end. Content deltas are emitted as
// tokens; tool-call deltas are accumulated by their index (the first delta
// of a call carries its ID and name, later ones pieces of the arguments).
// started reports whether any token was emitted.
func readStream(ctx context.Context, r io.Reader) (msg Message, started bool, err error) {
	var (
		content  bytes.Buffer
		calls    = map[int]*ToolCall{}
		finished bool
		data     bytes.Buffer
	)
	handle := func(payload []byte) (done bool, err error) {
		if string(bytes.TrimSpace(payload)) == "[DONE]" {
			return true, nil
		}
		var chunk wireResponse
		if err := json.Unmarshal(payload, &chunk); err != nil {
			return false, &badResponseError{fmt.Errorf("stream chunk %w in %q", err, snippet(payload))}
		}
		if chunk.Error != nil {
			return false, chunk.Error.apiError(http.StatusOK)
		}
		for _, ch := range chunk.Choices {
			d := ch.Delta
			if d.Content != nil && *d.Content != "" {
				content.WriteString(*d.Content)
				EmitToken(ctx, *d.Content)
				started = true
			}
			for i, tc := range d.ToolCalls {
				idx := i
				if tc.Index != nil {
					idx = *tc.Index
				}
				if idx < 0 || idx > 1024 {
					return false, &badResponseError{fmt.Errorf("tool call index %d", idx)}
				}
				c := calls[idx]
				if c == nil {
					c = &ToolCall{}
					calls[idx] = c
				}
				if tc.ID != "" {
					c.ID = tc.ID
				}
				c.Name += tc.Function.Name
				c.Arguments += tc.Function.Arguments
			}
			if ch.FinishReason != nil && *ch.FinishReason != "" {
				finished = true
			}
		}
		return false, nil
	}

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxResponseBytes)
	done := false
	for !done && sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		switch {
		case len(line) == 0: // end of an event
			if data.Len() > 0 {
				done, err = handle(data.Bytes())
				data.Reset()
			}
		case line[0] == ':': // comment, keep-alive
		case bytes.HasPrefix(line, []byte("data:")):
			v := bytes.TrimPrefix(line[len("data:"):], []byte(" "))
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.Write(v)
		default: // event:, id:, retry: and unknown fields carry nothing we use
		}
		if err != nil {
			return Message{}, started, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Message{}, started, &badResponseError{fmt.Errorf("stream line longer than %d bytes", maxResponseBytes)}
		}
		return Message{}, started, err
	}
	if !done && data.Len() > 0 { // a last event without its blank line
		if done, err = handle(data.Bytes()); err != nil {
			return Message{}, started, err
		}
	}
	if !done && !finished {
		return Message{}, started, &badResponseError{errors.New("stream ended before [DONE] or a finish_reason")}
	}
	msg = Message{Role: RoleAssistant, Content: content.String()}
	idx := make([]int, 0, len(calls))
	for i := range calls {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		c := calls[i]
		if c.Name == "" {
			return Message{}, started, &badResponseError{fmt.Errorf("tool call %d has no function name", i)}
		}
		msg.ToolCalls = append(msg.ToolCalls, *c)
	}
	return msg, started, nil
}
