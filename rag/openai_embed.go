package rag

import (
	"context"
	"fmt"
	"math"
)

// OpenAIEmbedder calls POST /embeddings of an OpenAI-compatible Endpoint:
// request {"model", "input": [texts], "encoding_format": "float"
// [, "dimensions"]}, answer {"data": [{"embedding", "index"}], "usage"}.
// Texts are sent in batches; every answer is checked (one finite vector per
// input, indices a permutation, one dimension throughout), and a violation
// is an ErrAPI error, never a silently misaligned vector.
//
// An OpenAIEmbedder is safe for concurrent use.
type OpenAIEmbedder struct {
	Endpoint
	// Model is the model name, or the deployment name on Azure.
	Model string
	// BatchSize is how many texts go in one request (default 96).
	BatchSize int
	// Dimensions, if set, is sent as "dimensions" (models that can shorten
	// their output) and required of every vector.
	Dimensions int
	// Usage, if set, is called with each answer's token count.
	Usage func(promptTokens int)
}

type embeddingRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
	Dimensions     int      `json:"dimensions,omitempty"`
}

type embeddingResponse struct {
	Data []struct {
		Embedding []float64 `json:"embedding"`
		Index     *int      `json:"index"`
	} `json:"data"`
	Usage struct {
		PromptTokens int `json:"prompt_tokens"`
	} `json:"usage"`
}

// Embed returns one vector per text, in order.
func (o *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	batch := o.BatchSize
	if batch <= 0 {
		batch = 96
	}
	out := make([][]float32, 0, len(texts))
	dim := o.Dimensions
	for lo := 0; lo < len(texts); lo += batch {
		part := texts[lo:min(lo+batch, len(texts))]
		var resp embeddingResponse
		if err := o.post(ctx, "embeddings", o.Model, embeddingRequest{o.Model, part, "float", o.Dimensions}, &resp); err != nil {
			return nil, err
		}
		if len(resp.Data) != len(part) {
			return nil, fmt.Errorf("%w: %d embeddings for %d inputs", ErrAPI, len(resp.Data), len(part))
		}
		vecs := make([][]float32, len(part))
		for _, d := range resp.Data {
			if d.Index == nil || *d.Index < 0 || *d.Index >= len(part) || vecs[*d.Index] != nil {
				return nil, fmt.Errorf("%w: missing, out-of-range or repeated embedding index", ErrAPI)
			}
			if dim == 0 {
				dim = len(d.Embedding)
			}
			if len(d.Embedding) == 0 || len(d.Embedding) != dim {
				return nil, fmt.Errorf("%w: %w: embedding of length %d, want %d", ErrAPI, ErrDimension, len(d.Embedding), dim)
			}
			v := make([]float32, dim)
			for j, x := range d.Embedding {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("%w: non-finite value in embedding %d", ErrAPI, *d.Index)
				}
				v[j] = float32(x)
			}
			vecs[*d.Index] = v
		}
		if o.Usage != nil {
			o.Usage(resp.Usage.PromptTokens)
		}
		out = append(out, vecs...)
	}
	return out, nil
}
