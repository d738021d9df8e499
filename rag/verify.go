package rag

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Verdict is the outcome of checking a claim against evidence, with the
// three labels of FEVER and SciFact.
type Verdict string

const (
	Supported     Verdict = "SUPPORTED"
	Refuted       Verdict = "REFUTED"
	NotEnoughInfo Verdict = "NOT_ENOUGH_INFO"
)

// Verification is a verdict on a claim with the spans it rests on.
type Verification struct {
	Claim     string
	Verdict   Verdict
	Citations []Citation
	// Coverage is the offline verifier's score: the IDF-weighted share of
	// the claim's terms found in the best evidence sentence (0 for LLM
	// verdicts).
	Coverage float64
	// Reason says in a few words why.
	Reason string
}

// Verifier checks a claim against retrieved evidence.
type Verifier interface {
	Verify(ctx context.Context, claim string, evidence []Evidence) (Verification, error)
}

// EvidenceVerifier is the offline verifier. It finds the evidence sentence
// that covers most of the claim (IDF-weighted share of the claim's terms)
// and decides:
//
//   - coverage below MinCoverage: NOT_ENOUGH_INFO;
//   - otherwise, if exactly one of claim and sentence is negated ("not",
//     "no", "never", "without", "fails to", "n't", …): REFUTED;
//   - otherwise SUPPORTED.
//
// What it can do: tell a claim whose content is stated in the documents from
// one they do not address, and catch the most common contradiction in
// scientific claims, a flipped negation. What it cannot: understand
// paraphrase beyond shared stems, antonyms ("increases" vs "decreases"),
// numbers that disagree, or hedged and conditional statements. A claim it
// calls SUPPORTED has lexical support, not proven entailment; use
// LLMVerifier (or a trained NLI model behind the same interface) when the
// verdict matters.
type EvidenceVerifier struct {
	// MinCoverage is the coverage needed for a verdict (default 0.6).
	MinCoverage float64
	Tokenizer   Tokenizer
}

// negationCues are words that flip a statement's polarity. Matching is on
// lower-cased words, so stop-word removal does not hide "not" and "no".
var negationCues = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "neither": true, "nor": true,
	"without": true, "cannot": true, "fails": true, "failed": true, "fail": true,
	"lack": true, "lacks": true, "absence": true, "unable": true,
}

func negated(text string) bool {
	n := 0
	forEachWord(strings.ToLower(text), func(s, e int) {
		w := strings.ToLower(text[s:e])
		if negationCues[w] || strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t") {
			n++
		}
	})
	return n%2 == 1
}

// Verify applies the rule in the type's comment.
func (v EvidenceVerifier) Verify(_ context.Context, claim string, evidence []Evidence) (Verification, error) {
	cterms := map[string]bool{}
	v.Tokenizer.each(claim, func(t string, _, _ int) { cterms[t] = true })
	if len(cterms) == 0 {
		return Verification{}, fmt.Errorf("%w: claim %q", ErrEmptyQuery, claim)
	}
	out := Verification{Claim: claim, Verdict: NotEnoughInfo, Reason: "no evidence sentence covers the claim"}
	sents := evidenceSentences(v.Tokenizer, evidence)
	if len(sents) == 0 {
		out.Reason = "no evidence"
		return out, nil
	}
	idf := termIDF(sents)
	maxIDF := 0.0
	for _, x := range idf {
		maxIDF = max(maxIDF, x)
	}
	total := 0.0
	weight := map[string]float64{}
	for t := range cterms {
		w, ok := idf[t]
		if !ok {
			w = maxIDF // a claim term absent from all evidence counts fully against coverage
		}
		weight[t] = w
		total += w
	}
	best, bestCov := -1, 0.0
	for i, s := range sents {
		cov := 0.0
		for t := range cterms {
			if s.terms[t] {
				cov += weight[t]
			}
		}
		if total > 0 {
			cov /= total
		}
		if cov > bestCov {
			best, bestCov = i, cov
		}
	}
	out.Coverage = bestCov
	minCov := v.MinCoverage
	if minCov == 0 {
		minCov = 0.6
	}
	if best < 0 || bestCov < minCov {
		out.Reason = fmt.Sprintf("best evidence covers %.0f%% of the claim (need %.0f%%)", 100*bestCov, 100*minCov)
		return out, nil
	}
	s := sents[best]
	out.Citations = []Citation{{N: 1, DocID: s.chunk.DocID, Page: pageOf(s.chunk, s.start), Start: s.start, End: s.end, Quote: s.text, ChunkID: s.chunk.ID}}
	if negated(claim) != negated(s.text) {
		out.Verdict, out.Reason = Refuted, fmt.Sprintf("evidence covers %.0f%% of the claim with the opposite negation", 100*bestCov)
	} else {
		out.Verdict, out.Reason = Supported, fmt.Sprintf("evidence covers %.0f%% of the claim", 100*bestCov)
	}
	return out, nil
}

// LLMVerifier asks a chat model for a structured verdict: a JSON object
// {"verdict": "SUPPORTED" | "REFUTED" | "NOT_ENOUGH_INFO", "citations":
// [n, …], "reason": "…"} over numbered sources. An answer that is not that
// object, names another verdict, or cites a source that was not given is an
// ErrAPI error.
type LLMVerifier struct {
	Chat *ChatClient
	// MaxSources caps the evidence put in the prompt (default 8).
	MaxSources int
}

// Verify sends the claim and sources and validates the verdict.
func (v LLMVerifier) Verify(ctx context.Context, claim string, evidence []Evidence) (Verification, error) {
	if strings.TrimSpace(claim) == "" {
		return Verification{}, ErrEmptyQuery
	}
	n := v.MaxSources
	if n <= 0 {
		n = 8
	}
	evidence = evidence[:min(n, len(evidence))]
	text, err := v.Chat.Complete(ctx, []Message{
		{Role: "system", Content: `Decide whether the numbered sources support or refute the claim. Reply with a JSON object only: {"verdict": "SUPPORTED" or "REFUTED" or "NOT_ENOUGH_INFO", "citations": [numbers of the sources you used], "reason": "one sentence"}.`},
		{Role: "user", Content: sourcesPrompt(evidence) + "\nClaim: " + claim},
	}, true)
	if err != nil {
		return Verification{}, err
	}
	var ans struct {
		Verdict   string `json:"verdict"`
		Citations []int  `json:"citations"`
		Reason    string `json:"reason"`
	}
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ans); err != nil {
		return Verification{}, fmt.Errorf("%w: verdict is not the requested JSON object: %v", ErrAPI, err)
	}
	verdict := Verdict(strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(ans.Verdict), " ", "_")))
	switch verdict {
	case Supported, Refuted, NotEnoughInfo:
	default:
		return Verification{}, fmt.Errorf("%w: unknown verdict %q", ErrAPI, ans.Verdict)
	}
	var marks strings.Builder
	for _, c := range ans.Citations {
		if c < 1 || c > len(evidence) {
			return Verification{}, fmt.Errorf("%w: verdict cites source %d but %d sources were given", ErrAPI, c, len(evidence))
		}
		fmt.Fprintf(&marks, "[%d]", c)
	}
	cites, err := citationsFor(marks.String(), evidence)
	if err != nil {
		return Verification{}, err
	}
	return Verification{Claim: claim, Verdict: verdict, Citations: cites, Reason: ans.Reason}, nil
}
