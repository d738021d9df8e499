package agent

import (
	"context"
	"fmt"
	"time"
)

// Start and End are the graph's entry and finish points: an edge from Start
// names the first node(s), an edge to End finishes a branch.
const (
	Start = "__start__"
	End   = "__end__"
)

// A Node does one unit of work: it reads the state and returns the writes
// to merge into it. It must treat s as read-only (slices and maps in s are
// shared with other nodes of the same super-step) and should return promptly
// when ctx is done.
type Node[S any] func(ctx context.Context, s S) (Update[S], error)

// A Send asks for one task of node To with its own input state, the map step
// of map-reduce (LangGraph's Send): a fan-out edge returns one Send per item
// and the tasks run in parallel, their writes merged into the graph state
// through the reducers.
type Send[S any] struct {
	To    string
	State S
}

// Graph is the builder of a state graph over S. Add nodes and edges, then
// Compile. Builder mistakes (duplicate names, nil functions) are collected
// and reported by Compile. A Graph is not safe for concurrent use; the
// Runnable it compiles to is.
type Graph[S any] struct {
	fields   map[string]StateField[S]
	nodes    map[string]*node[S]
	order    []string // node names in the order added, for Mermaid and errors
	edges    []edge
	branches []*branch[S]
	errs     []error
}

type node[S any] struct {
	name     string
	fn       Node[S]
	timeout  time.Duration
	retry    RetryPolicy
	next     []string     // static successors, in the order declared
	branches []*branch[S] // conditional edges, in the order declared
}

type edge struct{ from, to string }

// branch is a conditional edge: route picks one target, or send fans out.
type branch[S any] struct {
	from    string
	route   func(S) string
	send    func(S) []Send[S]
	targets []string
}

// NewGraph starts a graph whose state is S with the given fields. Every
// field a node writes must be among them.
func NewGraph[S any](fields ...StateField[S]) *Graph[S] {
	g := &Graph[S]{fields: map[string]StateField[S]{}, nodes: map[string]*node[S]{}}
	for _, f := range fields {
		if _, dup := g.fields[f.Name()]; dup {
			g.errs = append(g.errs, fmt.Errorf("field %q declared twice", f.Name()))
		}
		g.fields[f.Name()] = f
	}
	return g
}

// A NodeOption configures a node: Timeout, Retry.
type NodeOption func(*nodeConfig)

type nodeConfig struct {
	timeout time.Duration
	retry   RetryPolicy
}

// Timeout bounds each attempt of the node. A node that ignores its context
// is abandoned when the time is up (its result is discarded) and the attempt
// fails with ErrNodeTimeout.
func Timeout(d time.Duration) NodeOption { return func(c *nodeConfig) { c.timeout = d } }

// Retry runs the node again after failures, as p says.
func Retry(p RetryPolicy) NodeOption { return func(c *nodeConfig) { c.retry = p } }

// AddNode adds a node called name.
func (g *Graph[S]) AddNode(name string, fn Node[S], opts ...NodeOption) {
	switch {
	case name == "" || name == Start || name == End:
		g.errs = append(g.errs, fmt.Errorf("node name %q is reserved or empty", name))
		return
	case fn == nil:
		g.errs = append(g.errs, fmt.Errorf("node %q has a nil function", name))
		return
	case g.nodes[name] != nil:
		g.errs = append(g.errs, fmt.Errorf("node %q added twice", name))
		return
	}
	var c nodeConfig
	for _, o := range opts {
		o(&c)
	}
	g.nodes[name] = &node[S]{name: name, fn: fn, timeout: c.timeout, retry: c.retry}
	g.order = append(g.order, name)
}

// AddEdge makes to run in the super-step after from. Several edges out of
// one node fan out to parallel branches; several edges into one node join:
// it runs once per super-step however many of its sources ran.
func (g *Graph[S]) AddEdge(from, to string) {
	g.edges = append(g.edges, edge{from, to})
}

// AddConditionalEdge routes from to the node route returns, which must be
// one of targets (End included if the route can finish). Routes see the
// state after from's super-step was merged.
func (g *Graph[S]) AddConditionalEdge(from string, route func(S) string, targets ...string) {
	if route == nil {
		g.errs = append(g.errs, fmt.Errorf("conditional edge from %q has a nil router", from))
		return
	}
	g.branches = append(g.branches, &branch[S]{from: from, route: route, targets: targets})
}

// AddSendEdge fans out from from to one task per Send that fan returns, each
// with its own input state; every Send's To must be one of targets. An empty
// result sends nothing (that branch ends).
func (g *Graph[S]) AddSendEdge(from string, fan func(S) []Send[S], targets ...string) {
	if fan == nil {
		g.errs = append(g.errs, fmt.Errorf("send edge from %q has a nil function", from))
		return
	}
	g.branches = append(g.branches, &branch[S]{from: from, send: fan, targets: targets})
}
