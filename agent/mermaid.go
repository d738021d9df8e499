package agent

import (
	"fmt"
	"strings"
)

// Mermaid returns the compiled graph as a Mermaid flowchart (paste it into
// any Markdown viewer that renders ```mermaid blocks): solid arrows for
// edges, dotted ones for the targets of conditional and Send edges, nodes
// with interrupts marked.
func (r *Runnable[S]) Mermaid() string {
	var b strings.Builder
	b.WriteString("graph TD;\n")
	fmt.Fprintf(&b, "\t%s([\"%s\"]):::first\n", mermaidID(Start), Start)
	for _, name := range r.order {
		label := name
		if r.before[name] {
			label = "⏸ " + label
		}
		if r.after[name] {
			label += " ⏸"
		}
		fmt.Fprintf(&b, "\t%s(\"%s\")\n", mermaidID(name), mermaidLabel(label))
	}
	fmt.Fprintf(&b, "\t%s([\"%s\"]):::last\n", mermaidID(End), End)
	for _, e := range r.edges {
		fmt.Fprintf(&b, "\t%s --> %s;\n", mermaidID(e.from), mermaidID(e.to))
	}
	for _, br := range r.brs {
		label := ""
		if br.send != nil {
			label = "|Send|"
		}
		for _, t := range br.targets {
			fmt.Fprintf(&b, "\t%s -.->%s %s;\n", mermaidID(br.from), label, mermaidID(t))
		}
	}
	b.WriteString("\tclassDef first fill-opacity:0\n\tclassDef last fill:#bfb6fc\n")
	return b.String()
}

// mermaidID turns a node name into an identifier Mermaid accepts.
func mermaidID(name string) string {
	var b strings.Builder
	for _, c := range name {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			fmt.Fprintf(&b, "_%x_", c)
		}
	}
	if name == "end" || name == "graph" || name == "subgraph" {
		return "n_" + b.String()
	}
	return b.String()
}

func mermaidLabel(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }
