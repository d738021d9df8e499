package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// A Tool is a function a model may call. Call receives the arguments as the
// model wrote them and returns the text the model will read.
type Tool interface {
	Spec() ToolSpec
	Call(ctx context.Context, arguments json.RawMessage) (string, error)
}

// ErrToolArguments: a tool call's arguments are not JSON or do not match the
// tool's schema. The message says what is wrong, for the model to retry.
var ErrToolArguments = errors.New("agent: bad tool arguments")

// NewTool makes a Tool from a typed function: the arguments are checked
// against schema (a JSON Schema object; the subset of types, properties,
// required, enum, items and additionalProperties that function calling
// uses) and then decoded into A. It panics if schema is not a JSON object
// schema, a programming error.
func NewTool[A any](name, description, schema string, fn func(ctx context.Context, args A) (string, error)) Tool {
	var s jsonSchema
	if err := json.Unmarshal([]byte(schema), &s); err != nil || s.Type != "object" {
		panic(fmt.Sprintf("agent: tool %q: parameters must be a JSON Schema with \"type\": \"object\" (%v)", name, err))
	}
	return &typedTool[A]{spec: ToolSpec{Name: name, Description: description, Parameters: json.RawMessage(schema)}, schema: &s, fn: fn}
}

type typedTool[A any] struct {
	spec   ToolSpec
	schema *jsonSchema
	fn     func(context.Context, A) (string, error)
}

func (t *typedTool[A]) Spec() ToolSpec { return t.spec }

func (t *typedTool[A]) Call(ctx context.Context, arguments json.RawMessage) (string, error) {
	bad := func(err error) error { return fmt.Errorf("%w for %s: %w", ErrToolArguments, t.spec.Name, err) }
	if len(bytes.TrimSpace(arguments)) == 0 {
		arguments = json.RawMessage("{}")
	}
	var generic any
	if err := json.Unmarshal(arguments, &generic); err != nil {
		return "", bad(fmt.Errorf("not valid JSON: %w", err))
	}
	if err := t.schema.validate("arguments", generic); err != nil {
		return "", bad(err)
	}
	var args A
	if err := json.Unmarshal(arguments, &args); err != nil {
		return "", bad(err)
	}
	return t.fn(ctx, args)
}
