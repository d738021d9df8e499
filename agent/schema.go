package agent

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
)

// jsonSchema is the subset of JSON Schema that function-calling APIs use
// for tool parameters.
type jsonSchema struct {
	Type                 string                 `json:"type"`
	Properties           map[string]*jsonSchema `json:"properties"`
	Required             []string               `json:"required"`
	Enum                 []any                  `json:"enum"`
	Items                *jsonSchema            `json:"items"`
	AdditionalProperties *bool                  `json:"additionalProperties"`
}

// validate checks v (decoded into any by encoding/json) against s; path
// names the value in the error.
func (s *jsonSchema) validate(path string, v any) error {
	if s == nil {
		return nil
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return jsonEqual(e, v) }) {
		return fmt.Errorf("%s: %v is not one of %v", path, v, s.Enum)
	}
	switch s.Type {
	case "":
		return nil
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, got %s", path, jsonKind(v))
		}
		for _, name := range s.Required {
			if _, ok := obj[name]; !ok {
				return fmt.Errorf("%s: missing required property %q", path, name)
			}
		}
		names := make([]string, 0, len(obj))
		for name := range obj {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			prop, known := s.Properties[name]
			if !known {
				if s.AdditionalProperties != nil && !*s.AdditionalProperties {
					return fmt.Errorf("%s: unknown property %q", path, name)
				}
				continue
			}
			if err := prop.validate(path+"."+name, obj[name]); err != nil {
				return err
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array, got %s", path, jsonKind(v))
		}
		for i, e := range arr {
			if err := s.Items.validate(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case "string", "boolean", "null", "number":
		if k := jsonKind(v); k != s.Type {
			return fmt.Errorf("%s: want a %s, got %s", path, s.Type, k)
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) {
			return fmt.Errorf("%s: want an integer, got %s", path, jsonKind(v))
		}
	default:
		return fmt.Errorf("%s: schema type %q is not supported", path, s.Type)
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
