package gcn

import (
	"errors"
	"fmt"
)

// ErrInvalid reports data that cannot form a graph dataset: a node outside
// the graph, a label outside the classes, a non-finite feature, overlapping
// splits, a malformed line. The wrapping error names the node, edge, label or
// line; test for the class of problem with errors.Is(err, ErrInvalid).
var ErrInvalid = errors.New("gcn: invalid data")

// ParseError is a malformed line of an input file. It unwraps to ErrInvalid.
type ParseError struct {
	File string // base name, such as "cora.cites"
	Line int    // 1-based
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("gcn: %s line %d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns ErrInvalid.
func (e *ParseError) Unwrap() error { return ErrInvalid }
