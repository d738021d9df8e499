package rag

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Citation points to the text that supports part of an answer.
type Citation struct {
	// N is the citation's number, as written "[N]" in the answer.
	N int
	// DocID, Page (0 without pages) and Start/End (byte offsets into the
	// document's Text) locate the cited span; Quote is that span.
	DocID      string
	Page       int
	Start, End int
	Quote      string
	// ChunkID is the retrieved chunk the span lies in.
	ChunkID string
}

// String formats a citation as "[N] doc, p. P".
func (c Citation) String() string {
	if c.Page > 0 {
		return fmt.Sprintf("[%d] %s, p. %d", c.N, c.DocID, c.Page)
	}
	return fmt.Sprintf("[%d] %s", c.N, c.DocID)
}

// Answer is a grounded answer: text with "[n]" markers and the citations
// they refer to. Found is false when the evidence holds no answer; Text then
// says so and Citations is empty.
type Answer struct {
	Text      string
	Citations []Citation
	Found     bool
}

// Answerer answers a question from retrieved evidence only.
type Answerer interface {
	Answer(ctx context.Context, question string, evidence []Evidence) (Answer, error)
}

// ExtractiveAnswerer answers with the evidence sentences that best match the
// question, each followed by its citation: nothing is generated, so nothing
// can be hallucinated, but nothing is synthesised either. A sentence scores
// the summed IDF (over the evidence's sentences) of the question terms it
// contains, so a rare shared term counts more than a common one. The zero
// value picks up to 3 sentences.
type ExtractiveAnswerer struct {
	Sentences int
	Tokenizer Tokenizer
}

// sentence is one evidence sentence with its location.
type sentence struct {
	chunk      Chunk
	start, end int // offsets into the document
	text       string
	terms      map[string]bool
	rank       int
}

// evidenceSentences splits evidence into sentences with document offsets.
func evidenceSentences(tok Tokenizer, evidence []Evidence) []sentence {
	var out []sentence
	for _, e := range evidence {
		for _, sp := range Sentences(e.Text) {
			terms := map[string]bool{}
			tok.each(e.Text[sp.Start:sp.End], func(t string, _, _ int) { terms[t] = true })
			out = append(out, sentence{e.Chunk, e.Start + sp.Start, e.Start + sp.End, e.Text[sp.Start:sp.End], terms, e.Rank})
		}
	}
	return out
}

// termIDF returns each term's IDF among the sentences.
func termIDF(sents []sentence) map[string]float64 {
	df := map[string]int{}
	for _, s := range sents {
		for t := range s.terms {
			df[t]++
		}
	}
	n := float64(len(sents))
	idf := make(map[string]float64, len(df))
	for t, d := range df {
		idf[t] = math.Log(1 + (n-float64(d)+0.5)/(float64(d)+0.5))
	}
	return idf
}

// Answer picks the best sentences; see the type's comment.
func (a ExtractiveAnswerer) Answer(_ context.Context, question string, evidence []Evidence) (Answer, error) {
	qterms := map[string]bool{}
	a.Tokenizer.each(question, func(t string, _, _ int) { qterms[t] = true })
	if len(qterms) == 0 {
		return Answer{}, fmt.Errorf("%w: %q", ErrEmptyQuery, question)
	}
	sents := evidenceSentences(a.Tokenizer, evidence)
	idf := termIDF(sents)
	type scored struct {
		s     sentence
		score float64
	}
	var cands []scored
	for _, s := range sents {
		score := 0.0
		for t := range qterms {
			if s.terms[t] {
				score += idf[t]
			}
		}
		if score > 0 {
			// A small preference for higher-ranked evidence breaks ties.
			cands = append(cands, scored{s, score * (1 + 0.05/float64(s.rank))})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	n := a.Sentences
	if n <= 0 {
		n = 3
	}
	if len(cands) == 0 {
		return Answer{Text: "The documents do not answer this question."}, nil
	}
	var b strings.Builder
	var cites []Citation
	seen := map[string]bool{}
	for _, c := range cands {
		// Sentences far weaker than the best one are noise, not evidence.
		if len(cites) == n || c.score < 0.5*cands[0].score {
			break
		}
		if seen[c.s.text] {
			continue
		}
		seen[c.s.text] = true
		cite := Citation{N: len(cites) + 1, DocID: c.s.chunk.DocID, Page: pageOf(c.s.chunk, c.s.start), Start: c.s.start, End: c.s.end, Quote: c.s.text, ChunkID: c.s.chunk.ID}
		cites = append(cites, cite)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s [%d]", strings.Join(strings.Fields(c.s.text), " "), cite.N)
	}
	return Answer{Text: b.String(), Citations: cites, Found: true}, nil
}

// pageOf estimates the page of a document offset from the chunk's pages:
// exact when the chunk lies on one page.
func pageOf(c Chunk, off int) int {
	if c.Page == c.LastPage || off < c.Start {
		return c.Page
	}
	frac := float64(off-c.Start) / float64(max(1, c.End-c.Start))
	return c.Page + int(frac*float64(c.LastPage-c.Page+1))
}

// LLMAnswerer asks a chat model to answer from numbered sources and to cite
// them as [n]. Every citation in the answer must name a source that was
// given; one that does not is an ErrAPI error (a model inventing sources is
// exactly what grounding is meant to catch).
type LLMAnswerer struct {
	Chat *ChatClient
	// MaxSources caps the evidence put in the prompt (default 8).
	MaxSources int
}

var citationMark = regexp.MustCompile(`\[(\d+)\]`)

// Answer sends the question and sources and parses the citations.
func (a LLMAnswerer) Answer(ctx context.Context, question string, evidence []Evidence) (Answer, error) {
	if strings.TrimSpace(question) == "" {
		return Answer{}, ErrEmptyQuery
	}
	n := a.MaxSources
	if n <= 0 {
		n = 8
	}
	evidence = evidence[:min(n, len(evidence))]
	prompt := sourcesPrompt(evidence) + "\nQuestion: " + question
	text, err := a.Chat.Complete(ctx, []Message{
		{Role: "system", Content: "Answer the question using only the numbered sources. After every sentence, cite the sources it relies on as [n]. If the sources do not contain the answer, reply exactly: I don't know."},
		{Role: "user", Content: prompt},
	}, false)
	if err != nil {
		return Answer{}, err
	}
	text = strings.TrimSpace(text)
	if strings.HasPrefix(strings.ToLower(text), "i don't know") {
		return Answer{Text: text}, nil
	}
	cites, err := citationsFor(text, evidence)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Text: text, Citations: cites, Found: len(cites) > 0}, nil
}

// sourcesPrompt numbers the evidence for a prompt.
func sourcesPrompt(evidence []Evidence) string {
	var b strings.Builder
	b.WriteString("Sources:\n")
	for i, e := range evidence {
		loc := e.DocID
		if e.Page > 0 {
			loc += fmt.Sprintf(", p. %d", e.Page)
		}
		fmt.Fprintf(&b, "[%d] (%s) %s\n", i+1, loc, strings.Join(strings.Fields(e.Text), " "))
	}
	return b.String()
}

// citationsFor resolves the [n] marks of text against the numbered evidence.
func citationsFor(text string, evidence []Evidence) ([]Citation, error) {
	var cites []Citation
	seen := map[int]bool{}
	for _, m := range citationMark.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(evidence) {
			return nil, fmt.Errorf("%w: answer cites [%d] but %d sources were given", ErrAPI, n, len(evidence))
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		e := evidence[n-1]
		cites = append(cites, Citation{N: n, DocID: e.DocID, Page: e.Page, Start: e.Start, End: e.End, Quote: e.Text, ChunkID: e.ID})
	}
	return cites, nil
}
