package rag

import "context"

// Embedder maps texts to vectors whose inner products measure relatedness.
// Implementations return one vector per text, in order, all of one
// dimension. LSA is the local default; OpenAIEmbedder calls an
// OpenAI-compatible /v1/embeddings server.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
