package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mlprep/mlprep/agent"
)

// Research is the state of the workflow. It is checkpointed as JSON after
// every step.
type Research struct {
	Question string        `json:"question"`
	SubQs    []SubQuestion `json:"sub_questions"`
	Notes    []Note        `json:"notes"`
	Rounds   int           `json:"rounds"`
	Approved bool          `json:"approved"`
	Answer   string        `json:"answer"`
}

// A SubQuestion is one item of the plan; Query is what the researcher
// searches for, Feedback the reviewer's objection ("" when accepted).
type SubQuestion struct {
	ID       int    `json:"id"`
	Text     string `json:"text"`
	Query    string `json:"query"`
	Feedback string `json:"feedback,omitempty"`
}

// A Note is the researcher's answer to one sub-question, citing its sources.
type Note struct {
	ID      int      `json:"id"`
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

func (s SubQuestion) key() int { return s.ID }
func (n Note) key() int        { return n.ID }

// upsert is the custom reducer of the per-sub-question lists: an update
// replaces the entry with the same ID or adds it, keeping the list sorted,
// so parallel researchers can each write their own note.
func upsert[T interface{ key() int }](old, upd []T) []T {
	out := slices.Clone(old)
	for _, u := range upd {
		i, found := slices.BinarySearchFunc(out, u.key(), func(e T, k int) int { return e.key() - k })
		if found {
			out[i] = u
		} else {
			out = slices.Insert(out, i, u)
		}
	}
	return out
}

var (
	questionField = agent.NewField("question", func(s *Research) *string { return &s.Question }, nil)
	subQsField    = agent.NewField("sub_questions", func(s *Research) *[]SubQuestion { return &s.SubQs }, upsert[SubQuestion])
	notesField    = agent.NewField("notes", func(s *Research) *[]Note { return &s.Notes }, upsert[Note])
	roundsField   = agent.NewField("rounds", func(s *Research) *int { return &s.Rounds }, func(a, b int) int { return a + b })
	approvedField = agent.NewField("approved", func(s *Research) *bool { return &s.Approved }, nil)
	answerField   = agent.NewField("answer", func(s *Research) *string { return &s.Answer }, nil)
)

// The prompts define each role's protocol; the offline model and a real LLM
// behind -llm answer the same prompts.
const (
	plannerPrompt = "You are the planner of a research team. Split the question into two to four " +
		"self-contained sub-questions that can each be answered from a search of the notes. " +
		"Reply with one sub-question per line and nothing else."
	researcherPrompt = "You are a researcher. Call the search tool with the search query, read the passages, " +
		"then answer the sub-question in one sentence taken from them, citing the passage as [id]. " +
		"If no passage answers it, say so."
	reviewerPrompt = "You are the reviewer. For each numbered sub-question check that its note answers it " +
		"and cites a source. Reply with one line per note, 'OK n' or 'REVISE n: what is missing', " +
		"then a last line 'APPROVED' if every note is OK."
	reviserPrompt = "You are the reviser. The search is BM25: it matches exact words. Rewrite the search query " +
		"so that it finds passages answering the sub-question, using the reviewer's feedback. Reply with the query only."
	writerPrompt = "You are the writer. Combine the notes into one short answer to the question, keeping their [id] citations."
)

// newWorkflow builds planner → researchers (one per sub-question, in
// parallel) → reviewer → revise → researchers … until the reviewer approves
// or maxRounds reviews are spent, then the writer.
func newWorkflow(model agent.ChatModel, search agent.Tool, maxRounds int) (*agent.Graph[Research], error) {
	researcher, err := agent.NewReActAgent(model, []agent.Tool{search}, agent.ReActOptions{
		System: researcherPrompt, ToolTimeout: 10 * time.Second,
		Compile: agent.CompileOptions{RecursionLimit: 8},
	})
	if err != nil {
		return nil, err
	}
	ask := func(ctx context.Context, system, user string) (string, error) {
		reply, err := model.Chat(ctx, []agent.Message{{Role: agent.RoleSystem, Content: system}, {Role: agent.RoleUser, Content: user}}, nil)
		return strings.TrimSpace(reply.Content), err
	}

	g := agent.NewGraph[Research](questionField, subQsField, notesField, roundsField, approvedField, answerField)
	g.AddNode("planner", func(ctx context.Context, s Research) (agent.Update[Research], error) {
		reply, err := ask(ctx, plannerPrompt, s.Question)
		if err != nil {
			return nil, err
		}
		var subs []SubQuestion
		for _, line := range strings.Split(reply, "\n") {
			if line = strings.TrimSpace(strings.TrimLeft(line, "-*0123456789.) ")); line != "" {
				subs = append(subs, SubQuestion{ID: len(subs) + 1, Text: line, Query: line})
				agent.Emit(ctx, fmt.Sprintf("sub-question %d: %s", len(subs), line))
			}
		}
		if len(subs) == 0 {
			return nil, fmt.Errorf("the planner returned no sub-questions: %q", reply)
		}
		return agent.Update[Research]{subQsField.Set(subs)}, nil
	})
	// Each researcher task gets a Send state holding its one sub-question,
	// and runs the prebuilt ReAct agent as a subgraph.
	g.AddNode("researcher", func(ctx context.Context, s Research) (agent.Update[Research], error) {
		q := s.SubQs[0]
		out, err := researcher.Invoke(ctx, agent.Config{}, agent.ReActState{Messages: []agent.Message{{
			Role: agent.RoleUser, Content: "Sub-question: " + q.Text + "\nSearch query: " + q.Query,
		}}})
		if err != nil {
			return nil, err
		}
		text := out.Messages[len(out.Messages)-1].Content
		note := Note{ID: q.ID, Text: text, Sources: citations(text)}
		agent.Emit(ctx, fmt.Sprintf("note %d: %s", q.ID, shorten(text, 100)))
		return agent.Update[Research]{notesField.Set([]Note{note})}, nil
	}, agent.Timeout(60*time.Second), agent.Retry(agent.RetryPolicy{MaxAttempts: 2, InitialBackoff: 100 * time.Millisecond}))
	g.AddNode("reviewer", func(ctx context.Context, s Research) (agent.Update[Research], error) {
		var b strings.Builder
		for _, q := range s.SubQs {
			fmt.Fprintf(&b, "%d. Q: %s\n   Note: %s\n", q.ID, q.Text, noteFor(s, q.ID).Text)
		}
		reply, err := ask(ctx, reviewerPrompt, b.String())
		if err != nil {
			return nil, err
		}
		verdicts, approved := parseReview(reply, s.SubQs)
		for _, q := range verdicts {
			if q.Feedback != "" {
				agent.Emit(ctx, fmt.Sprintf("round %d: REVISE %d: %s", s.Rounds+1, q.ID, q.Feedback))
			}
		}
		agent.Emit(ctx, fmt.Sprintf("round %d: approved=%v", s.Rounds+1, approved))
		return agent.Update[Research]{subQsField.Set(verdicts), roundsField.Set(1), approvedField.Set(approved)}, nil
	})
	g.AddNode("revise", func(ctx context.Context, s Research) (agent.Update[Research], error) {
		var revised []SubQuestion
		for _, q := range s.SubQs {
			if q.Feedback == "" {
				continue
			}
			query, err := ask(ctx, reviserPrompt, "Sub-question: "+q.Text+"\nPrevious query: "+q.Query+"\nFeedback: "+q.Feedback)
			if err != nil {
				return nil, err
			}
			agent.Emit(ctx, fmt.Sprintf("query %d: %q → %q", q.ID, q.Query, query))
			q.Query = query
			revised = append(revised, q)
		}
		return agent.Update[Research]{subQsField.Set(revised)}, nil
	})
	g.AddNode("writer", func(ctx context.Context, s Research) (agent.Update[Research], error) {
		var b strings.Builder
		fmt.Fprintf(&b, "Question: %s\nNotes:\n", s.Question)
		for _, q := range s.SubQs {
			flag := ""
			if q.Feedback != "" {
				flag = " (unverified: " + q.Feedback + ")"
			}
			fmt.Fprintf(&b, "- %s%s\n", noteFor(s, q.ID).Text, flag)
		}
		answer, err := ask(ctx, writerPrompt, b.String())
		if err != nil {
			return nil, err
		}
		return agent.Update[Research]{answerField.Set(answer)}, nil
	})

	g.AddEdge(agent.Start, "planner")
	g.AddSendEdge("planner", func(s Research) []agent.Send[Research] { return research(s, false) }, "researcher")
	g.AddEdge("researcher", "reviewer")
	g.AddConditionalEdge("reviewer", func(s Research) string {
		if s.Approved || s.Rounds >= maxRounds {
			return "writer"
		}
		return "revise"
	}, "revise", "writer")
	g.AddSendEdge("revise", func(s Research) []agent.Send[Research] { return research(s, true) }, "researcher")
	g.AddEdge("writer", agent.End)
	return g, nil
}

// research sends one researcher task per sub-question: all of them after
// planning, the rejected ones after a revision.
func research(s Research, rejectedOnly bool) []agent.Send[Research] {
	var sends []agent.Send[Research]
	for _, q := range s.SubQs {
		if !rejectedOnly || q.Feedback != "" {
			sends = append(sends, agent.Send[Research]{To: "researcher", State: Research{Question: s.Question, SubQs: []SubQuestion{q}}})
		}
	}
	return sends
}

var (
	citationRE = regexp.MustCompile(`\[([a-z0-9-]+)\]`)
	verdictRE  = regexp.MustCompile(`(?i)^(OK|REVISE)\s+(\d+)\s*:?\s*(.*)$`)
)

// noteFor returns the note of sub-question id (empty if none was written).
func noteFor(s Research, id int) Note {
	for _, n := range s.Notes {
		if n.ID == id {
			return n
		}
	}
	return Note{ID: id}
}

func citations(text string) []string {
	var ids []string
	for _, m := range citationRE.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// parseReview reads the reviewer's lines. A note the reviewer did not
// mention is taken as rejected, so that a sloppy reply cannot approve it.
func parseReview(reply string, subs []SubQuestion) ([]SubQuestion, bool) {
	verdict := map[int]string{}
	approved := false
	for _, line := range strings.Split(reply, "\n") {
		line = strings.TrimSpace(line)
		if strings.EqualFold(line, "APPROVED") {
			approved = true
			continue
		}
		if m := verdictRE.FindStringSubmatch(line); m != nil {
			var id int
			fmt.Sscan(m[2], &id)
			if strings.EqualFold(m[1], "OK") {
				verdict[id] = ""
			} else {
				verdict[id] = strings.TrimSpace(m[3])
				if verdict[id] == "" {
					verdict[id] = "rejected"
				}
			}
		}
	}
	out := make([]SubQuestion, len(subs))
	for i, q := range subs {
		fb, ok := verdict[q.ID]
		if !ok {
			fb = "not reviewed"
		}
		q.Feedback = fb
		out[i] = q
		if fb != "" {
			approved = false
		}
	}
	return out, approved
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
