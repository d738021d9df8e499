package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// embeddingServer speaks the /v1/embeddings protocol: each text becomes
// [len(text), 1, index-in-batch] and the data array comes back reversed,
// so a client that ignores "index" misaligns vectors.
func embeddingServer(t *testing.T, check func(r *http.Request)) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if check != nil {
			check(r)
		}
		var req embeddingRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model == "" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		type item struct {
			Embedding []float64 `json:"embedding"`
			Index     int       `json:"index"`
		}
		var data []item
		for i := len(req.Input) - 1; i >= 0; i-- {
			data = append(data, item{[]float64{float64(len(req.Input[i])), 1, float64(i)}, i})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "usage": map[string]int{"prompt_tokens": len(req.Input), "total_tokens": len(req.Input)}})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestOpenAIEmbedderBatchesAndOrders(t *testing.T) {
	srv, calls := embeddingServer(t, func(r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer sk-test" {
			t.Errorf("request %s with auth %q", r.URL.Path, r.Header.Get("Authorization"))
		}
	})
	tokens := 0
	e := &OpenAIEmbedder{Endpoint: Endpoint{BaseURL: srv.URL + "/v1", APIKey: "sk-test"}, Model: "text-embedding-3-small", BatchSize: 2, Usage: func(n int) { tokens += n }}
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if v[0] != float32(len(texts[i])) || v[2] != float32(i%2) {
			t.Errorf("vector %d = %v", i, v)
		}
	}
	if calls.Load() != 3 || tokens != 5 {
		t.Errorf("%d requests, %d tokens; want 3 batches of ≤2 and 5 tokens", calls.Load(), tokens)
	}
}

func TestOpenAIEmbedderAzure(t *testing.T) {
	srv, _ := embeddingServer(t, func(r *http.Request) {
		if r.URL.Path != "/openai/deployments/my-embed/embeddings" || r.URL.Query().Get("api-version") != "2024-10-21" ||
			r.Header.Get("api-key") != "azure-key" || r.Header.Get("Authorization") != "" {
			t.Errorf("Azure request %s?%s api-key=%q", r.URL.Path, r.URL.RawQuery, r.Header.Get("api-key"))
		}
	})
	e := &OpenAIEmbedder{Endpoint: Endpoint{BaseURL: srv.URL, APIKey: "azure-key", Azure: true}, Model: "my-embed"}
	if _, err := e.Embed(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
}

func TestEndpointRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"message":"rate limited"}}`, http.StatusTooManyRequests)
		case 2:
			http.Error(w, "upstream down", http.StatusBadGateway)
		default:
			fmt.Fprint(w, `{"data":[{"embedding":[1,2],"index":0}]}`)
		}
	}))
	defer srv.Close()
	e := &OpenAIEmbedder{Endpoint: Endpoint{BaseURL: srv.URL, Backoff: time.Millisecond}, Model: "m"}
	if _, err := e.Embed(context.Background(), []string{"x"}); err != nil || calls.Load() != 3 {
		t.Fatalf("after 429 and 502: err %v, %d calls", err, calls.Load())
	}
}

func TestEndpointErrors(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    []error
		text    string
	}{
		{"garbage", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>oops") }, []error{ErrAPI}, "not the expected JSON"},
		{"wrong dimensions", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data":[{"embedding":[1,2],"index":0},{"embedding":[1,2,3],"index":1}]}`)
		}, []error{ErrAPI, ErrDimension}, "length 3"},
		{"too few", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"data":[{"embedding":[1],"index":0}]}`) }, []error{ErrAPI}, "1 embeddings for 2 inputs"},
		{"repeated index", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data":[{"embedding":[1],"index":0},{"embedding":[1],"index":0}]}`)
		}, []error{ErrAPI}, "repeated"},
		{"missing index", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data":[{"embedding":[1]},{"embedding":[1],"index":1}]}`)
		}, []error{ErrAPI}, "missing"},
		{"client error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"message":"invalid api key"}}`, http.StatusUnauthorized)
		}, []error{ErrAPI}, "invalid api key"},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, []error{ErrAPI}, "HTTP 500"},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, []error{ErrAPI}, "no answer within"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			e := &OpenAIEmbedder{Endpoint: Endpoint{BaseURL: srv.URL, Timeout: 50 * time.Millisecond, MaxRetries: 1, Backoff: time.Millisecond}, Model: "m"}
			start := time.Now()
			_, err := e.Embed(context.Background(), []string{"x", "y"})
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.text) {
				t.Errorf("err = %v, want it to mention %q", err, c.text)
			}
			if time.Since(start) > time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
	if _, err := (&OpenAIEmbedder{Endpoint: Endpoint{BaseURL: "not a url"}}).Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrAPI) {
		t.Errorf("bad base URL: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv, _ := embeddingServer(t, nil)
	if _, err := (&OpenAIEmbedder{Endpoint: Endpoint{BaseURL: srv.URL}, Model: "m"}).Embed(ctx, []string{"x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// chatServer answers every chat request with reply, after checking the
// request's shape.
func chatServer(t *testing.T, reply string) *ChatClient {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.URL.Path != "/v1/chat/completions" || len(req.Messages) != 2 || req.Messages[0].Role != "system" {
			t.Errorf("chat request %s: %+v %v", r.URL.Path, req, err)
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"index": 0, "message": map[string]string{"role": "assistant", "content": reply}, "finish_reason": "stop"}}})
	}))
	t.Cleanup(srv.Close)
	return &ChatClient{Endpoint: Endpoint{BaseURL: srv.URL + "/v1", MaxRetries: -1}, Model: "gpt-test"}
}

var testEvidence = []Evidence{
	{Chunk: Chunk{ID: "a#0", DocID: "a.pdf", Text: "BM25 saturates term frequency.", Start: 0, End: 30, Page: 1, LastPage: 1}, Rank: 1},
	{Chunk: Chunk{ID: "b#3", DocID: "b.pdf", Text: "HNSW is a graph index. It answers in logarithmic time.", Start: 100, End: 155, Page: 2, LastPage: 2}, Rank: 2},
}

func TestLLMAnswererAndVerifier(t *testing.T) {
	ctx := context.Background()
	ans, err := LLMAnswerer{Chat: chatServer(t, "HNSW is a graph index [2]. BM25 saturates [1][2].")}.Answer(ctx, "What is HNSW?", testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Found || len(ans.Citations) != 2 || ans.Citations[0].DocID != "b.pdf" || ans.Citations[0].Page != 2 {
		t.Errorf("answer %+v", ans)
	}
	if _, err := (LLMAnswerer{Chat: chatServer(t, "Made up [7].")}).Answer(ctx, "q", testEvidence); !errors.Is(err, ErrAPI) {
		t.Errorf("invented citation: %v", err)
	}
	ans, err = LLMAnswerer{Chat: chatServer(t, "I don't know.")}.Answer(ctx, "q", testEvidence)
	if err != nil || ans.Found {
		t.Errorf("abstention: %+v %v", ans, err)
	}
	v, err := LLMVerifier{Chat: chatServer(t, `{"verdict": "REFUTED", "citations": [2], "reason": "HNSW is logarithmic"}`)}.Verify(ctx, "HNSW is linear time.", testEvidence)
	if err != nil || v.Verdict != Refuted || len(v.Citations) != 1 || v.Citations[0].ChunkID != "b#3" {
		t.Errorf("verdict %+v %v", v, err)
	}
	for _, bad := range []string{`not json`, `{"verdict": "MAYBE", "citations": []}`, `{"verdict": "SUPPORTED", "citations": [0]}`, `{"verdict": "SUPPORTED", "extra": 1}`} {
		if _, err := (LLMVerifier{Chat: chatServer(t, bad)}).Verify(ctx, "claim", testEvidence); !errors.Is(err, ErrAPI) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestExtractiveAnswererAndEvidenceVerifier(t *testing.T) {
	ctx := context.Background()
	ans, err := ExtractiveAnswerer{}.Answer(ctx, "In what time does it answer, logarithmic?", testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Found || ans.Citations[0].Quote != "It answers in logarithmic time." || ans.Citations[0].Start != 123 || !strings.Contains(ans.Text, "time. [1]") {
		t.Errorf("answer %+v", ans)
	}
	if ans, _ := (ExtractiveAnswerer{}).Answer(ctx, "penguins", testEvidence); ans.Found {
		t.Errorf("unanswerable question answered: %+v", ans)
	}
	cases := []struct {
		claim string
		want  Verdict
	}{
		{"HNSW answers in logarithmic time.", Supported},
		{"HNSW does not answer in logarithmic time.", Refuted},
		{"Penguins live in Antarctica.", NotEnoughInfo},
	}
	for _, c := range cases {
		v, err := EvidenceVerifier{}.Verify(ctx, c.claim, testEvidence)
		if err != nil || v.Verdict != c.want {
			t.Errorf("%q: %+v %v, want %s", c.claim, v, err, c.want)
		}
	}
}
