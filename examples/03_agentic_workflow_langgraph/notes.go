package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlprep/mlprep/agent"
	"github.com/mlprep/mlprep/rag"
)

// notes is the research team's library: short study notes written for this
// lesson, indexed with rag's BM25 (Lucene's English analyzer: stemming,
// stop words, exact terms otherwise).
var notes = []struct{ id, text string }{
	{"lora", "LoRA freezes the pretrained weight matrix W and trains a low-rank update BA instead, " +
		"where B is d×r, A is r×k and the rank r is far below both dimensions. " +
		"LoRA reduces the memory of fine-tuning because only A and B receive gradients, so the optimizer keeps state for a few million parameters instead of billions. " +
		"In practice LoRA works well with ranks from 4 to 64 applied to the attention projections, and the update is scaled by alpha/r so that changing the rank does not require retuning the learning rate."},
	{"lora-merge", "After training, a LoRA adapter can be merged into the base model: W' = W + (alpha/r)·BA is computed once and stored in place of the original weights. " +
		"Merging the adapter leaves the architecture and the latency at inference unchanged, so serving the fine-tuned model costs nothing extra. " +
		"Keeping LoRA adapters separate instead lets one base model serve many tasks by swapping small adapters, at the price of an extra matrix product per layer."},
	{"qlora", "QLoRA stores the frozen base model in 4-bit NormalFloat (NF4) quantization, with the quantization constants themselves quantized again (double quantization) and optimizer states paged to CPU memory when GPU memory runs short. " +
		"The LoRA adapters stay in 16-bit precision and their gradients flow through the dequantized weights. " +
		"This made fine-tuning a 65-billion-parameter model possible on a single 48 GB GPU while matching 16-bit fine-tuning quality."},
	{"quantization", "Post-training quantization maps float weights to 8-bit integers with a scale and a zero point, per tensor or per output channel. " +
		"Per-channel scales follow the range of each channel and lose less accuracy than a single scale for the whole tensor. " +
		"Calibration on a few hundred inputs sets the ranges of the activations."},
	{"adapters", "Parameter-efficient fine-tuning trains a small number of added or selected parameters: adapters inserted between layers, prefix tuning, or LoRA. " +
		"Of these, LoRA adds no latency once merged, which is why it became the default choice for large language models."},
	{"activation-checkpointing", "Activation checkpointing saves memory during training by storing the activations of only some layers and recomputing the others in the backward pass. " +
		"It trades about a third more compute for memory and combines well with LoRA when sequences are long."},
	{"kv-cache", "During generation a transformer caches the keys and values of past tokens, so each new token costs one row of attention instead of a pass over the whole sequence. " +
		"The cache grows linearly with the context length and often dominates memory at inference."},
	{"bm25", "BM25 ranks documents by term frequency, saturated by k1, and inverse document frequency, with length normalisation controlled by b. " +
		"It matches exact terms only: a query that spells a word differently from the documents, or uses a synonym, misses them."},
}

// searchTool registers rag's BM25 retriever as the agent's "search" tool:
// the wiring lives here, in the example, so that package agent does not
// depend on package rag.
func searchTool(ctx context.Context) (agent.Tool, error) {
	index := rag.NewBM25()
	ids, texts := make([]string, len(notes)), make([]string, len(notes))
	byID := map[string]string{}
	for i, n := range notes {
		ids[i], texts[i] = n.id, n.text
		byID[n.id] = n.text
	}
	if err := index.Add(ctx, ids, texts); err != nil {
		return nil, err
	}
	type args struct {
		Query string `json:"query"`
		K     int    `json:"k"`
	}
	return agent.NewTool("search", "Search the study notes (BM25, exact terms). Returns the best passages, one per line, as [id] text.",
		`{"type":"object","properties":{"query":{"type":"string","description":"keywords"},"k":{"type":"integer","description":"passages to return (default 3)"}},"required":["query"]}`,
		func(ctx context.Context, a args) (string, error) {
			if a.K <= 0 {
				a.K = 3
			}
			hits, err := index.Search(a.Query, a.K)
			if err != nil {
				return "", err
			}
			var found []string
			var b strings.Builder
			for _, h := range hits {
				fmt.Fprintf(&b, "[%s] %s\n", h.ID, byID[h.ID])
				found = append(found, fmt.Sprintf("%s %.2f", h.ID, h.Score))
			}
			agent.Emit(ctx, fmt.Sprintf("search %q → %s", a.Query, strings.Join(found, ", ")))
			if len(hits) == 0 {
				return "no passages found", nil
			}
			return b.String(), nil
		}), nil
}
