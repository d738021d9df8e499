// Package agent runs stateful agent workflows as graphs, with LangGraph's
// model in idiomatic Go: typed state with per-field reducers, nodes and
// (conditional) edges, parallel branches, checkpoints after every step,
// resumption after a crash, interrupts for a human in the loop, time travel,
// streaming, and the LLM plumbing an agent needs (a chat-model interface, an
// OpenAI-compatible client, tools, a prebuilt ReAct agent).
//
// # The model: a state machine run in super-steps
//
// A graph has a state S (any struct) and nodes, functions
//
//	func(ctx context.Context, s S) (agent.Update[S], error)
//
// that read the state and return writes. Edges say which nodes run next.
// Execution follows Pregel's bulk-synchronous plan (Malewicz et al., 2010),
// as LangGraph does: in each super-step every scheduled node runs, in
// parallel, on the same snapshot of the state; then all their writes are
// merged, in a fixed order, and the edges of the nodes that ran schedule the
// next super-step. A run ends when no node is scheduled (every branch reached
// End). With writes w₁…wₙ of the tasks of step k, in task order,
//
//	s_{k+1} = reduce(…reduce(reduce(s_k, w₁), w₂)…, wₙ)
//
// where each write goes through the reducer of the field it names. Because
// the order is that of the schedule (edge declaration order, then Send
// order), never of goroutine completion, results do not depend on timing.
//
// # State and reducers
//
// A Field names one part of S and the reducer that merges writes into it,
// LangGraph's Annotated[type, reducer]:
//
//	type State struct {
//		Question string
//		Notes    []string
//		Rounds   int
//	}
//	var (
//		question = agent.NewField("question", func(s *State) *string { return &s.Question }, nil) // replace
//		notes    = agent.NewField("notes", func(s *State) *[]string { return &s.Notes }, agent.Append[string])
//		rounds   = agent.NewField("rounds", func(s *State) *int { return &s.Rounds }, func(a, b int) int { return a + b })
//	)
//	g := agent.NewGraph[State](question, notes, rounds)
//
// A node returns agent.Update[State]{notes.Set([]string{"…"}), rounds.Set(1)}.
// Replace (the nil reducer) keeps the last write: two parallel branches
// writing one Replace field is almost always a bug, since only the later
// task's value survives. Append builds lists (messages, evidence) and never
// aliases an earlier state's slice. Nodes must treat their input as
// read-only: the slices and maps in it are shared with the other tasks of
// the super-step.
//
// # Edges, routers, fan-out and joins
//
// AddEdge(Start, n) makes n an entry point; AddEdge(n, End) a finish point.
// AddConditionalEdge(from, router, targets...) picks the next node from the
// state after from's super-step was merged; the targets are declared so
// that Compile can check them and Mermaid can draw them, and a router that
// returns anything else fails the run with ErrUnknownNode. Several edges out
// of one node fan out; a node reached from several branches of the same
// super-step runs once, after all of them (the join), and sees all their
// writes. AddSendEdge is the map step of map-reduce (LangGraph's Send): one
// task per item, each with its own input state, their writes reduced into
// the graph state.
//
// Compile rejects, all at once, edges naming unknown nodes, nodes without
// outgoing edges, conditional edges without targets, nodes unreachable from
// Start, nodes from which End cannot be reached (an endless loop), and
// interrupts on unknown nodes.
//
// # Running
//
// Invoke runs to the end and returns the final state. Stream is the same run
// as a Go iterator (iter.Seq2) of Events: node started, retried and
// finished, the state after each super-step, Custom events a node sends
// with Emit, and Token events of streaming LLM calls. Breaking out of the
// loop cancels the run. Cycles are bounded by a recursion limit (25
// super-steps by default, as in LangGraph): a run that reaches it stops with
// ErrRecursionLimit naming the nodes that would run next. Per node, Timeout
// bounds each attempt (a node that ignores its context is abandoned) and
// Retry tries again with exponential backoff. A panicking node, router or
// tool becomes an error naming it (ErrNodePanic), never a crash of the
// process.
//
// # Checkpoints: crash safety, interrupts, time travel
//
// With a Checkpointer, the state is saved after the input and after every
// super-step, per thread (Config.Thread): MemoryCheckpointer for one
// process, SQLiteCheckpointer (OpenSQLite; a real database file in WAL mode,
// one transaction per write) to survive the process. In a super-step with
// several tasks, each task's writes are saved as soon as it finishes
// (LangGraph's pending writes). Resume continues a thread from its newest
// checkpoint: completed super-steps are never repeated and finished tasks
// of an interrupted super-step are not run again; a crash can only repeat
// the tasks that were running when it happened. So the state is
// exactly-once but node side effects are at-least-once: make side effects
// idempotent (an interviewer's favourite question).
//
// InterruptBefore and InterruptAfter stop a run at named nodes with an
// *Interrupt error (errors.Is(err, ErrInterrupted)); a human inspects State,
// and Resume continues, merging the human's Update first. History lists a
// thread's checkpoints; Resume with Config.Checkpoint set to an older one
// forks the thread there (time travel), leaving the old branch intact. A
// damaged stored checkpoint gives ErrCorruptCheckpoint naming it, and the
// others remain usable.
//
// Checkpoints encode S, Send inputs and field values with a Codec, by
// default encoding/json: S must then survive a JSON round trip (exported
// fields; no funcs, channels or unexported state that matters).
//
// # Models and tools
//
// ChatModel is the one-method interface of a chat LLM. OpenAIClient speaks
// the chat-completions protocol that OpenAI, Azure OpenAI, Ollama, vLLM and
// the llama.cpp server share, with tool calls and token streaming over
// server-sent events (content deltas emitted as they arrive, tool-call
// deltas accumulated by index until "data: [DONE]"), an idle timeout and
// retries of failed attempts (never of a reply already streaming). Tool
// wraps a function with a JSON Schema of its arguments, which are checked
// before the call. NewReActAgent builds the reason-act loop of Yao et al.
// (2023) as a graph: the model node, then one parallel tools task per tool
// call, back to the model until it answers without calling a tool. Tool
// errors, unknown tools, malformed arguments, panics and timeouts are told
// to the model as the tool's result so that it can recover. Tool output is
// untrusted text that the model will read: a retrieved document can carry
// instructions (prompt injection), so keep dangerous tools behind an
// InterruptBefore. ScriptedModel and ChatFunc are deterministic offline
// models for tests and demos.
//
// # Concurrency and errors
//
// A Graph is a builder for one goroutine; the Runnable it compiles to, the
// checkpointers and OpenAIClient are safe for concurrent use. Run one
// thread from one place at a time. Emit and EmitToken must be called from
// the node's goroutine or from goroutines it waits for. Programming errors
// in declarations (NewField without an accessor, NewTool with a schema that
// is not an object schema) panic with a message starting "agent:"; graph
// mistakes are Compile errors; everything that comes from outside (LLM
// replies, tool arguments, stored checkpoints, node failures) is a returned
// error.
//
// Mermaid draws the compiled graph for documentation.
//
// References: LangGraph (LangChain, 2024), docs at langchain-ai.github.io/langgraph;
// G. Malewicz et al., "Pregel: a system for large-scale graph processing",
// SIGMOD 2010; S. Yao et al., "ReAct: Synergizing reasoning and acting in
// language models", ICLR 2023; OpenAI API reference, chat completions and
// streaming; WHATWG HTML Living Standard, §9.2 server-sent events.
package agent
