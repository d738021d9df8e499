package agent

import (
	"context"
	"strings"
	"testing"
)

// FuzzReadStream feeds arbitrary bytes to the server-sent-events reader: it
// must return a message or an error, never panic or hang.
func FuzzReadStream(f *testing.F) {
	f.Add("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n")
	f.Add(`data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{"}}]}}]}` + "\n\n" +
		`data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"finish_reason":"tool_calls"}]}` + "\n\n")
	f.Add(": comment\r\nevent: x\r\ndata: {\"error\":{\"message\":\"m\"}}\r\n\r\n")
	f.Add("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":99999}]}}]}\n\n")
	f.Fuzz(func(t *testing.T, stream string) {
		msg, _, err := readStream(context.Background(), strings.NewReader(stream))
		if err == nil && msg.Role != RoleAssistant {
			t.Fatalf("message without the assistant role: %+v", msg)
		}
	})
}

// FuzzDecodeCompletion: arbitrary non-streamed bodies.
func FuzzDecodeCompletion(f *testing.F) {
	f.Add(`{"choices":[{"message":{"role":"assistant","content":"x","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{}"}}]}}]}`)
	f.Add(`{"error":{"message":"no","code":429}}`)
	f.Add(`{"choices":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		msg, err := decodeCompletion([]byte(body))
		if err == nil && msg.Role != RoleAssistant {
			t.Fatalf("message without the assistant role: %+v", msg)
		}
	})
}

type fuzzState struct {
	Log []string `json:"log"`
}

// FuzzResumeFromStoredBytes resumes from checkpoints whose stored bytes are
// arbitrary: a damaged row gives ErrCorruptCheckpoint (or runs, if it happens
// to decode), never a panic.
func FuzzResumeFromStoredBytes(f *testing.F) {
	f.Add([]byte(`{"log":["a"]}`), "b", []byte(nil), "log", []byte(`["x"]`))
	f.Add([]byte(`{"log":7}`), "b", []byte(`{"log":[]}`), "log", []byte(`7`))
	f.Add([]byte(`{}`), "ghost", []byte(`{`), "nope", []byte(`null`))
	logField := NewField("log", func(s *fuzzState) *[]string { return &s.Log }, Append[string])
	g := NewGraph[fuzzState](logField)
	for _, n := range []string{"a", "b"} {
		g.AddNode(n, func(context.Context, fuzzState) (Update[fuzzState], error) {
			return Update[fuzzState]{logField.Set([]string{n})}, nil
		})
	}
	g.AddEdge(Start, "a")
	g.AddEdge("a", "b")
	g.AddEdge("b", End)
	f.Fuzz(func(t *testing.T, state []byte, next string, input []byte, field string, value []byte) {
		cp := &MemoryCheckpointer{}
		r, err := g.Compile(CompileOptions{Checkpointer: cp})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		id, _ := cp.Put(ctx, Checkpoint{Thread: "f", State: state, Next: []Task{{Node: next, Input: input}, {Node: next}}}, nil)
		cp.PutWrites(ctx, "f", id, TaskWrites{Task: 1, Node: next, Writes: []EncodedWrite{{Field: field, Value: value}}})
		r.Resume(ctx, Config{Thread: "f"}, nil)
		r.History(ctx, "f")
	})
}
