package cloud

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting so that a body of ten thousand '[' cannot
// exhaust the stack.
const maxJSONDepth = 64

// scanner is a strict JSON reader over a byte slice, written for the
// inference protocol's hot path: tensor data decodes straight into typed
// slices without building an intermediate tree. Every error wraps
// ErrInvalidRequest and names the byte offset.
type scanner struct {
	b     []byte
	i     int
	depth int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrInvalidRequest, s.i, fmt.Sprintf(format, args...))
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// consume skips c if it comes next.
func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) expect(c byte) error {
	if s.consume(c) {
		return nil
	}
	if s.i >= len(s.b) {
		return s.errorf("unexpected end of input, want %q", c)
	}
	return s.errorf("unexpected %q, want %q", s.b[s.i], c)
}

// end checks that only white space follows.
func (s *scanner) end() error {
	if s.peek() != 0 || s.i < len(s.b) {
		return s.errorf("unexpected data after the JSON value")
	}
	return nil
}

// object calls field for each key; field must consume the value.
func (s *scanner) object(field func(key string) error) error {
	if err := s.enter('{'); err != nil {
		return err
	}
	if s.consume('}') {
		s.depth--
		return nil
	}
	for {
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		if s.consume(',') {
			continue
		}
		if err := s.expect('}'); err != nil {
			return err
		}
		s.depth--
		return nil
	}
}

// array calls elem for each element; elem must consume it.
func (s *scanner) array(elem func() error) error {
	if err := s.enter('['); err != nil {
		return err
	}
	if s.consume(']') {
		s.depth--
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if s.consume(',') {
			continue
		}
		if err := s.expect(']'); err != nil {
			return err
		}
		s.depth--
		return nil
	}
}

func (s *scanner) enter(c byte) error {
	if err := s.expect(c); err != nil {
		return err
	}
	s.depth++
	if s.depth > maxJSONDepth {
		return s.errorf("nesting deeper than %d", maxJSONDepth)
	}
	return nil
}

// skip consumes any value and returns its bytes.
func (s *scanner) skip() ([]byte, error) {
	start := s.peekStart()
	var err error
	switch s.peek() {
	case '{':
		err = s.object(func(string) error { _, err := s.skip(); return err })
	case '[':
		err = s.array(func() error { _, err := s.skip(); return err })
	case '"':
		_, err = s.str()
	case 't', 'f':
		_, err = s.boolean()
	case 'n':
		err = s.literal("null")
	default:
		_, _, err = s.number()
	}
	return s.b[start:s.i], err
}

func (s *scanner) peekStart() int {
	s.ws()
	return s.i
}

func (s *scanner) literal(word string) error {
	s.ws()
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.errorf("invalid literal, want %s", word)
	}
	s.i += len(word)
	return nil
}

func (s *scanner) boolean() (bool, error) {
	if s.peek() == 't' {
		return true, s.literal("true")
	}
	return false, s.literal("false")
}

// number returns the bytes of a number in JSON's grammar and whether it is
// an integer literal (no fraction, no exponent).
func (s *scanner) number() ([]byte, bool, error) {
	s.ws()
	start, b := s.i, s.b
	i := s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return nil, false, s.errorf("invalid value, want a number")
	}
	integer := true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false, s.errorf("invalid number: no digits after '.'")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false, s.errorf("invalid number: no digits in exponent")
		}
	}
	s.i = i
	return b[start:i], integer, nil
}

func (s *scanner) float(bits int) (float64, error) {
	num, _, err := s.number()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(num), bits)
	if err != nil {
		return 0, s.errorf("number %s out of range for a %d-bit float", num, bits)
	}
	return v, nil
}

// float32 reads a number as float32, through fastFloat32 when it can.
func (s *scanner) float32() (float32, error) {
	num, _, err := s.number()
	if err != nil {
		return 0, err
	}
	if v, ok := fastFloat32(num); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(num), 32)
	if err != nil {
		return 0, s.errorf("number %s out of range for a 32-bit float", num)
	}
	return float32(v), nil
}

func (s *scanner) int(bits int) (int64, error) {
	num, integer, err := s.number()
	if err != nil {
		return 0, err
	}
	if !integer {
		return 0, s.errorf("%s is not an integer", num)
	}
	v, err := strconv.ParseInt(string(num), 10, bits)
	if err != nil {
		return 0, s.errorf("integer %s out of range for INT%d", num, bits)
	}
	return v, nil
}

func (s *scanner) uint(bits int) (uint64, error) {
	num, integer, err := s.number()
	if err != nil {
		return 0, err
	}
	if !integer {
		return 0, s.errorf("%s is not an integer", num)
	}
	v, err := strconv.ParseUint(string(num), 10, bits)
	if err != nil {
		return 0, s.errorf("integer %s out of range for UINT%d", num, bits)
	}
	return v, nil
}

// str reads a string, decoding escapes.
func (s *scanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(s.b[start:s.i]) {
				return "", s.errorf("string is not valid UTF-8")
			}
			v := string(s.b[start:s.i])
			s.i++
			return v, nil
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '\\':
			return s.strEscaped(start)
		case c < 0x20:
			return "", s.errorf("control character in string")
		}
		s.i++
	}
	return "", s.errorf("unterminated string")
}

// strEscaped finishes a string that contains escapes, from its start.
func (s *scanner) strEscaped(start int) (string, error) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", s.errorf("string is not valid UTF-8")
			}
			return string(out), nil
		case c < 0x20:
			return "", s.errorf("control character in string")
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			break
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, err := s.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					s.i += 2
					if r2, err = s.hex4(); err != nil {
						return "", err
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", s.errorf("invalid escape \\%c", e)
		}
	}
	return "", s.errorf("unterminated string")
}

func (s *scanner) hex4() (rune, error) {
	if len(s.b)-s.i < 4 {
		return 0, s.errorf("short \\u escape")
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, s.errorf("invalid \\u escape")
	}
	s.i += 4
	return rune(v), nil
}

// parameter reads a protocol parameter value: a string, a boolean, an
// integer (int64) or another number (float64).
func (s *scanner) parameter() (any, error) {
	switch s.peek() {
	case '"':
		return s.str()
	case 't', 'f':
		return s.boolean()
	}
	save := s.i
	num, integer, err := s.number()
	if err != nil {
		return nil, s.errorf("parameter values are strings, numbers or booleans")
	}
	if integer {
		if v, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return v, nil
		}
	}
	s.i = save
	return s.float(64)
}

// parameters reads a parameters object.
func (s *scanner) parameters() (map[string]any, error) {
	p := map[string]any{}
	err := s.object(func(key string) error {
		v, err := s.parameter()
		p[key] = v
		return err
	})
	return p, err
}
