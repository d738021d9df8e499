package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/mlprep/mlprep/agent"
	"github.com/mlprep/mlprep/rag"
)

// offlineModel is the deterministic stand-in for an LLM that lets the lesson
// run without a network: it recognises each role by its system prompt and
// follows that role's protocol with plain rules (sentence overlap, a
// spelling normaliser). It is not language modelling; it is what makes the
// graph's behaviour reproducible. Pass -llm to use a real model instead.
func offlineModel() agent.ChatModel {
	return agent.ChatFunc(func(ctx context.Context, msgs []agent.Message, tools []agent.ToolSpec) (agent.Message, error) {
		if len(msgs) < 2 || msgs[0].Role != agent.RoleSystem {
			return agent.Message{}, fmt.Errorf("offline model: expected a system prompt and a request")
		}
		user := msgs[1].Content
		var reply string
		switch msgs[0].Content {
		case plannerPrompt:
			reply = offlinePlan(user)
		case researcherPrompt:
			return offlineResearch(msgs)
		case reviewerPrompt:
			reply = offlineReview(user)
		case reviserPrompt:
			reply = offlineRevise(user)
		case writerPrompt:
			reply = offlineWrite(user)
			for _, w := range strings.SplitAfter(reply, " ") {
				agent.EmitToken(ctx, w)
			}
		default:
			return agent.Message{}, fmt.Errorf("offline model: unknown role prompt %q", shorten(msgs[0].Content, 40))
		}
		return agent.Message{Role: agent.RoleAssistant, Content: reply}, nil
	})
}

var (
	clauseRE  = regexp.MustCompile(`(?i),?\s*\band\s+(how|what|why|which|when|where|does|do|is|are|can)\b|,\s*(how|what|why|which|when|where)\b`)
	acronymRE = regexp.MustCompile(`\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b`)
	pronounRE = regexp.MustCompile(`\b(it|they)\b`)
)

// offlinePlan splits the question at its clauses ("…, and how …") and puts
// the subject (the first acronym) in place of a pronoun, so each
// sub-question stands alone.
func offlinePlan(question string) string {
	question = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(question), "?"))
	subject := acronymRE.FindString(question)
	var parts []string
	last := 0
	for _, m := range clauseRE.FindAllStringSubmatchIndex(question, -1) {
		parts = append(parts, question[last:m[0]])
		last = m[2]
		if m[2] < 0 {
			last = m[4]
		}
	}
	parts = append(parts, question[last:])
	var lines []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if subject != "" {
			p = pronounRE.ReplaceAllString(p, subject)
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		lines = append(lines, string(r)+"?")
	}
	return strings.Join(lines, "\n")
}

// offlineResearch is one ReAct turn: search for the query, then answer with
// the sentence of the passages that best covers the sub-question.
func offlineResearch(msgs []agent.Message) (agent.Message, error) {
	request := msgs[1].Content
	subq, query, _ := strings.Cut(strings.TrimPrefix(request, "Sub-question: "), "\nSearch query: ")
	last := msgs[len(msgs)-1]
	if last.Role != agent.RoleTool {
		args, _ := json.Marshal(map[string]any{"query": query, "k": 3})
		return agent.Message{Role: agent.RoleAssistant, ToolCalls: []agent.ToolCall{{ID: "call-1", Name: "search", Arguments: string(args)}}}, nil
	}
	want := focusTerms(subq, "")
	best, bestID, bestScore := "", "", -1.0
	for _, line := range strings.Split(last.Content, "\n") {
		id, text, ok := strings.Cut(strings.TrimPrefix(line, "["), "] ")
		if !ok {
			continue
		}
		for _, sp := range rag.Sentences(text) {
			sentence := text[sp.Start:sp.End]
			if score := coverage(want, sentence); score > bestScore {
				best, bestID, bestScore = sentence, id, score
			}
		}
	}
	if bestID == "" {
		return agent.Message{Role: agent.RoleAssistant, Content: "No passage answers this."}, nil
	}
	return agent.Message{Role: agent.RoleAssistant, Content: best + " [" + bestID + "]"}, nil
}

var noteLineRE = regexp.MustCompile(`(?m)^(\d+)\. Q: (.*)\n\s+Note: (.*)$`)

// offlineReview accepts a note that cites a source and covers at least
// three quarters of what its sub-question asks about (the question words
// and the subject of the whole question left aside).
func offlineReview(request string) string {
	var lines []string
	approved := true
	for _, m := range noteLineRE.FindAllStringSubmatch(request, -1) {
		id, q, note := m[1], m[2], m[3]
		want := focusTerms(q, acronymRE.FindString(q))
		missing := missingWords(q, want, note)
		switch {
		case !citationRE.MatchString(note):
			lines = append(lines, "REVISE "+id+": the note cites no source")
			approved = false
		case coverage(want, note) < 0.75:
			lines = append(lines, "REVISE "+id+": the note does not cover "+strings.Join(missing, ", "))
			approved = false
		default:
			lines = append(lines, "OK "+id)
		}
	}
	if approved && len(lines) > 0 {
		lines = append(lines, "APPROVED")
	}
	return strings.Join(lines, "\n")
}

var missingRE = regexp.MustCompile(`does not cover (.*)$`)

// offlineRevise keeps the subject and the missing words, respelled the way
// the documents spell them (an LLM knows "quantisation" is "quantization";
// BM25 does not).
func offlineRevise(request string) string {
	subq, rest, _ := strings.Cut(strings.TrimPrefix(request, "Sub-question: "), "\nPrevious query: ")
	_, feedback, _ := strings.Cut(rest, "\nFeedback: ")
	words := []string{acronymRE.FindString(subq)}
	if m := missingRE.FindStringSubmatch(feedback); m != nil {
		words = append(words, strings.Split(m[1], ", ")...)
	} else {
		words = append(words, strings.Fields(subq)...)
	}
	return strings.TrimSpace(americanSpelling(strings.Join(words, " ")))
}

// offlineWrite joins the notes into the answer.
func offlineWrite(request string) string {
	_, notes, _ := strings.Cut(request, "\nNotes:\n")
	var parts []string
	for _, line := range strings.Split(notes, "\n") {
		if line = strings.TrimSpace(strings.TrimPrefix(line, "- ")); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}

var (
	tokenizer     = rag.Tokenizer{}
	questionWords = map[string]bool{"how": true, "what": true, "why": true, "which": true, "when": true, "where": true,
		"doe": true, "do": true, "work": true, "need": true, "chang": true, "use": true}
	britishRE = regexp.MustCompile(`(?i)\b(\w{3,})is(ation|ations|e|ed|es|ing)\b`)
)

func americanSpelling(s string) string { return britishRE.ReplaceAllString(s, "${1}iz${2}") }

// focusTerms are the stemmed terms of a question worth checking, spelling
// normalised, without question words and without the given subject.
func focusTerms(question, subject string) []string {
	skip := map[string]bool{}
	for _, t := range tokenizer.Tokens(subject) {
		skip[t] = true
	}
	var out []string
	for _, t := range tokenizer.Tokens(americanSpelling(question)) {
		if !questionWords[t] && !skip[t] && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// coverage is the fraction of want found in text.
func coverage(want []string, text string) float64 {
	if len(want) == 0 {
		return 1
	}
	have := map[string]bool{}
	for _, t := range tokenizer.Tokens(americanSpelling(text)) {
		have[t] = true
	}
	n := 0
	for _, t := range want {
		if have[t] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

// missingWords returns the words of question whose terms are in want but
// not in text, as the question spells them.
func missingWords(question string, want []string, text string) []string {
	have := map[string]bool{}
	for _, t := range tokenizer.Tokens(americanSpelling(text)) {
		have[t] = true
	}
	var out []string
	for _, sp := range tokenizer.Spans(question) {
		word := question[sp.Start:sp.End]
		terms := tokenizer.Tokens(americanSpelling(word))
		if len(terms) == 1 && slices.Contains(want, terms[0]) && !have[terms[0]] && !slices.Contains(out, word) {
			out = append(out, word)
		}
	}
	return out
}
