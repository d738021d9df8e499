package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Errors returned by Decode and ReadFile, wrapped with the details.
var (
	// ErrTruncated: the file ends before its header or its data does.
	ErrTruncated = errors.New("safetensors: truncated file")
	// ErrCorrupt: the header is not valid, or the offsets do not tile the data.
	ErrCorrupt = errors.New("safetensors: corrupt file")
	// ErrDType: a dtype outside the specification, or a conversion the
	// dtype does not support.
	ErrDType = errors.New("safetensors: unsupported dtype")
)

// maxHeaderLen is the reference implementation's limit on the JSON header.
const maxHeaderLen = 100_000_000

// metadataKey is the header entry holding free-form string metadata.
const metadataKey = "__metadata__"

// File is the content of a safetensors file: named tensors and optional
// string metadata.
type File struct {
	Metadata map[string]string
	Tensors  map[string]Tensor
}

// headerEntry is one tensor's description in the JSON header.
type headerEntry struct {
	DType       DType    `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// ReadFile reads and decodes the safetensors file at path.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return f, nil
}

// Decode parses a whole safetensors file held in b. The result does not
// share memory with b.
func Decode(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the 8-byte header length", ErrTruncated, len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("%w: header length %d beyond the file's %d bytes", ErrTruncated, n, len(b))
	}
	if n > maxHeaderLen {
		return nil, fmt.Errorf("%w: header length %d over the limit %d", ErrCorrupt, n, maxHeaderLen)
	}
	header, data := b[8:8+n], b[8+n:]
	if len(header) == 0 || header[0] != '{' {
		return nil, fmt.Errorf("%w: header does not start with '{'", ErrCorrupt)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	f := &File{Tensors: make(map[string]Tensor, len(raw))}
	type span struct {
		name       string
		begin, end uint64
	}
	spans := make([]span, 0, len(raw))
	for name, msg := range raw {
		if name == metadataKey {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, fmt.Errorf("%w: %s must map strings to strings: %v", ErrCorrupt, metadataKey, err)
			}
			continue
		}
		e, err := decodeEntry(msg)
		if err != nil {
			return nil, fmt.Errorf("%w (tensor %q)", err, name)
		}
		t := Tensor{DType: e.DType, Shape: make([]int, len(e.Shape))}
		size := uint64(e.DType.Size())
		for i, d := range e.Shape {
			if d > math.MaxInt32 {
				return nil, fmt.Errorf("%w: tensor %q: dimension %d too large", ErrCorrupt, name, d)
			}
			t.Shape[i] = int(d)
			hi, lo := bits.Mul64(size, d)
			if hi != 0 {
				return nil, fmt.Errorf("%w: tensor %q: shape %v overflows", ErrCorrupt, name, e.Shape)
			}
			size = lo
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if end < begin || end-begin != size {
			return nil, fmt.Errorf("%w: tensor %q: data_offsets [%d, %d] for %s %v, which needs %d bytes", ErrCorrupt, name, begin, end, e.DType, e.Shape, size)
		}
		f.Tensors[name] = t
		spans = append(spans, span{name, begin, end})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if c := cmp.Compare(a.begin, b.begin); c != 0 {
			return c
		}
		return cmp.Compare(a.end, b.end)
	})
	var pos uint64
	for _, s := range spans {
		if s.begin != pos {
			return nil, fmt.Errorf("%w: tensor %q: data begins at %d, expected %d (gap or overlap)", ErrCorrupt, s.name, s.begin, pos)
		}
		if s.end > uint64(len(data)) {
			return nil, fmt.Errorf("%w: tensor %q: data ends at %d, the data section has %d bytes", ErrTruncated, s.name, s.end, len(data))
		}
		t := f.Tensors[s.name]
		t.Data = bytes.Clone(data[s.begin:s.end])
		if t.Data == nil {
			t.Data = []byte{}
		}
		f.Tensors[s.name] = t
		pos = s.end
	}
	if pos != uint64(len(data)) {
		return nil, fmt.Errorf("%w: %d bytes after the last tensor", ErrCorrupt, uint64(len(data))-pos)
	}
	return f, nil
}

// decodeEntry parses and checks one tensor's header entry.
func decodeEntry(msg json.RawMessage) (headerEntry, error) {
	var e headerEntry
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	switch {
	case e.DType == "":
		return e, fmt.Errorf("%w: no dtype", ErrCorrupt)
	case e.DType.Size() == 0:
		return e, fmt.Errorf("%w: unknown dtype %q", ErrDType, e.DType)
	case e.Shape == nil:
		return e, fmt.Errorf("%w: no shape", ErrCorrupt)
	case len(e.DataOffsets) != 2:
		return e, fmt.Errorf("%w: data_offsets has %d values, want 2", ErrCorrupt, len(e.DataOffsets))
	}
	return e, nil
}

// Encode returns f in the safetensors format, laid out as the reference
// writer does: metadata first, tensors by decreasing dtype alignment then by
// name, the header padded with spaces to a multiple of 8 bytes. It returns an
// error if a tensor's bytes do not match its dtype and shape.
func Encode(f *File) ([]byte, error) {
	names := make([]string, 0, len(f.Tensors))
	var dataLen int
	for name, t := range f.Tensors {
		if name == "" || name == metadataKey {
			return nil, fmt.Errorf("safetensors: invalid tensor name %q", name)
		}
		if t.DType.Size() == 0 {
			return nil, fmt.Errorf("%w: tensor %q: %q", ErrDType, name, t.DType)
		}
		if slices.ContainsFunc(t.Shape, func(d int) bool { return d < 0 }) || len(t.Data) != t.NumElements()*t.DType.Size() {
			return nil, fmt.Errorf("safetensors: tensor %q: %d bytes for %s of shape %v", name, len(t.Data), t.DType, t.Shape)
		}
		names = append(names, name)
		dataLen += len(t.Data)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := f.Tensors[b].DType.rank() - f.Tensors[a].DType.rank(); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(f.Metadata) > 0 {
		writeJSONString(&h, metadataKey)
		h.WriteByte(':')
		keys := make([]string, 0, len(f.Metadata))
		for k := range f.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		h.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, f.Metadata[k])
		}
		h.WriteByte('}')
	}
	var offset int
	for i, name := range names {
		if i > 0 || len(f.Metadata) > 0 {
			h.WriteByte(',')
		}
		t := f.Tensors[name]
		writeJSONString(&h, name)
		h.WriteString(`:{"dtype":`)
		writeJSONString(&h, string(t.DType))
		h.WriteString(`,"shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, offset, offset+len(t.Data))
		offset += len(t.Data)
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}

	out := make([]byte, 0, 8+h.Len()+dataLen)
	out = binary.LittleEndian.AppendUint64(out, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	for _, name := range names {
		out = append(out, f.Tensors[name].Data...)
	}
	return out, nil
}

// writeJSONString writes s as a JSON string without HTML escaping, as the
// reference writer does.
func writeJSONString(w *bytes.Buffer, s string) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	w.Truncate(w.Len() - 1) // Encode appends a newline
}

// WriteFile encodes f and writes it to path.
func WriteFile(path string, f *File) error {
	b, err := Encode(f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}
