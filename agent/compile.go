package agent

import (
	"errors"
	"fmt"
	"slices"
)

// CompileOptions configure a Runnable. The zero value runs without
// checkpoints, with a recursion limit of 25 super-steps and up to 32 tasks
// of a super-step at a time.
type CompileOptions struct {
	// Checkpointer saves every super-step per thread; nil runs without
	// checkpoints (then Resume, State and History are unavailable).
	Checkpointer Checkpointer
	// Codec encodes states and writes for the Checkpointer (default JSONCodec).
	Codec Codec
	// InterruptBefore and InterruptAfter name nodes the run stops at, before
	// they run or after their super-step, for a human to inspect or edit the
	// state; Resume continues. They need a Checkpointer.
	InterruptBefore, InterruptAfter []string
	// RecursionLimit bounds the super-steps of one Invoke, Stream or Resume
	// (default 25, as LangGraph's).
	RecursionLimit int
	// MaxConcurrency bounds the tasks of a super-step running at once
	// (default 32).
	MaxConcurrency int
}

// Runnable is a compiled graph. It is safe for concurrent use, by several
// threads at once; two runs of the same thread at the same time interleave
// their checkpoints and should be avoided.
type Runnable[S any] struct {
	nodes   map[string]*node[S]
	start   *node[S] // the Start pseudo-node: its edges and branches only
	fields  map[string]StateField[S]
	order   []string
	edges   []edge
	brs     []*branch[S]
	cp      Checkpointer
	codec   Codec
	before  map[string]bool
	after   map[string]bool
	limit   int
	workers int
}

// Compile checks the graph and returns the Runnable. Every problem found is
// reported, joined, each wrapped in ErrInvalidGraph: unknown edge endpoints,
// nodes without outgoing edges, conditional edges without targets, nodes
// unreachable from Start or unable to reach End, unknown interrupt nodes.
func (g *Graph[S]) Compile(opts CompileOptions) (*Runnable[S], error) {
	errs := slices.Clone(g.errs)
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	nodes := make(map[string]*node[S], len(g.nodes))
	for name, n := range g.nodes {
		c := *n
		c.next, c.branches = nil, nil
		nodes[name] = &c
	}
	start := &node[S]{name: Start}
	source := func(name string) *node[S] {
		if name == Start {
			return start
		}
		return nodes[name]
	}
	validTarget := func(name string) bool { return name == End || nodes[name] != nil }

	for _, e := range g.edges {
		from := source(e.from)
		switch {
		case from == nil:
			bad("edge %s -> %s: unknown source node %q", e.from, e.to, e.from)
		case !validTarget(e.to):
			bad("edge %s -> %s: unknown target node %q", e.from, e.to, e.to)
		default:
			from.next = append(from.next, e.to)
		}
	}
	for _, b := range g.branches {
		from := source(b.from)
		if from == nil {
			bad("conditional edge from unknown node %q", b.from)
			continue
		}
		if len(b.targets) == 0 {
			bad("conditional edge from %q declares no targets: list the nodes its router may return", b.from)
			continue
		}
		ok := true
		for _, t := range b.targets {
			if !validTarget(t) {
				bad("conditional edge from %q: unknown target node %q", b.from, t)
				ok = false
			}
		}
		if ok {
			from.branches = append(from.branches, b)
		}
	}
	if len(start.next) == 0 && len(start.branches) == 0 {
		bad("no edge from Start: add g.AddEdge(agent.Start, firstNode)")
	}
	for _, name := range g.order {
		n := nodes[name]
		if len(n.next) == 0 && len(n.branches) == 0 {
			bad("node %q has no outgoing edge: add an edge to agent.End to finish there", name)
		}
	}
	reach := reachable(start, nodes)
	for _, name := range g.order {
		if !reach[name] {
			bad("node %q is unreachable from Start", name)
		}
	}
	finishing := canFinish(nodes)
	for _, name := range g.order {
		if reach[name] && !finishing[name] && (len(nodes[name].next) > 0 || len(nodes[name].branches) > 0) {
			bad("node %q can never reach End: every path from it loops forever", name)
		}
	}
	if len(opts.InterruptBefore)+len(opts.InterruptAfter) > 0 && opts.Checkpointer == nil {
		bad("interrupts need a Checkpointer to resume from")
	}
	before, after := map[string]bool{}, map[string]bool{}
	for _, list := range []struct {
		names []string
		set   map[string]bool
		when  string
	}{{opts.InterruptBefore, before, "before"}, {opts.InterruptAfter, after, "after"}} {
		for _, name := range list.names {
			if nodes[name] == nil {
				bad("interrupt %s unknown node %q", list.when, name)
			}
			list.set[name] = true
		}
	}
	if len(errs) > 0 {
		for i, e := range errs {
			errs[i] = fmt.Errorf("%w: %w", ErrInvalidGraph, e)
		}
		return nil, errors.Join(errs...)
	}
	r := &Runnable[S]{
		nodes: nodes, start: start, fields: g.fields, order: slices.Clone(g.order),
		edges: slices.Clone(g.edges), brs: slices.Clone(g.branches),
		cp: opts.Checkpointer, codec: opts.Codec, before: before, after: after,
		limit: opts.RecursionLimit, workers: opts.MaxConcurrency,
	}
	if r.codec == nil {
		r.codec = JSONCodec{}
	}
	if r.limit <= 0 {
		r.limit = 25
	}
	if r.workers <= 0 {
		r.workers = 32
	}
	return r, nil
}

// successors lists every node n may hand over to, End included.
func (n *node[S]) successors() []string {
	out := slices.Clone(n.next)
	for _, b := range n.branches {
		out = append(out, b.targets...)
	}
	return out
}

func reachable[S any](start *node[S], nodes map[string]*node[S]) map[string]bool {
	seen := map[string]bool{}
	stack := start.successors()
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if name == End || seen[name] {
			continue
		}
		seen[name] = true
		stack = append(stack, nodes[name].successors()...)
	}
	return seen
}

// canFinish marks the nodes from which some path reaches End, walking the
// edges backwards from End. A node with a Send edge can finish too: its
// fan-out may be empty.
func canFinish[S any](nodes map[string]*node[S]) map[string]bool {
	preds := map[string][]string{}
	var stack []string
	for name, n := range nodes {
		for _, s := range n.successors() {
			preds[s] = append(preds[s], name)
		}
		for _, b := range n.branches {
			if b.send != nil {
				stack = append(stack, name)
			}
		}
	}
	stack = append(stack, preds[End]...)
	ok := map[string]bool{}
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !ok[name] {
			ok[name] = true
			stack = append(stack, preds[name]...)
		}
	}
	return ok
}
