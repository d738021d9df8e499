package rag

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
)

// Index file format (little-endian), shared by Flat and HNSW:
//
//	magic "MLPRAGIX", version u16, kind u8 (1 flat, 2 HNSW), metric u8,
//	dim u32, nodes u32, kind-specific body, CRC-32C of all preceding bytes.
//
// IDs are a uvarint length and the bytes; vectors are dim float32s. The
// reader checks the checksum before parsing, then every length, count and
// reference against what the file can hold, so a corrupt or truncated file
// is an error, never a panic or a huge allocation.
const (
	indexMagic   = "MLPRAGIX"
	indexVersion = 1
	kindFlat     = 1
	kindHNSW     = 2
	headerSize   = 8 + 2 + 1 + 1 + 4 + 4
	maxIDLength  = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// saveAtomically writes a file through write into a temporary file in the
// same directory, syncs it and renames it over path, so a crash or an error
// leaves either the old file or the new one, never a partial one.
func saveAtomically(path string, write func(w *indexWriter) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("rag: save index: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := &indexWriter{w: bufio.NewWriterSize(tmp, 1<<20)}
	if err := write(w); err != nil {
		return err
	}
	w.u32(w.crc)
	if w.err != nil {
		return fmt.Errorf("rag: save index: %w", w.err)
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("rag: save index: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("rag: save index: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rag: save index: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rag: save index: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not all systems support it
		d.Close()
	}
	return nil
}

// indexWriter writes little-endian values, keeping the checksum and the
// first error.
type indexWriter struct {
	w   *bufio.Writer
	crc uint32
	err error
	buf [binary.MaxVarintLen64]byte
}

func (w *indexWriter) bytes(b []byte) {
	if w.err != nil {
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, b)
	_, w.err = w.w.Write(b)
}

func (w *indexWriter) u8(v uint8)   { w.bytes([]byte{v}) }
func (w *indexWriter) u16(v uint16) { w.bytes(binary.LittleEndian.AppendUint16(w.buf[:0], v)) }
func (w *indexWriter) u32(v uint32) { w.bytes(binary.LittleEndian.AppendUint32(w.buf[:0], v)) }
func (w *indexWriter) str(s string) {
	w.bytes(binary.AppendUvarint(w.buf[:0], uint64(len(s))))
	w.bytes([]byte(s))
}

func (w *indexWriter) floats(v []float32) {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	w.bytes(b)
}

func (w *indexWriter) header(kind uint8, m Metric, dim, nodes int) {
	w.bytes([]byte(indexMagic))
	w.u16(indexVersion)
	w.u8(kind)
	w.u8(uint8(m))
	w.u32(uint32(dim))
	w.u32(uint32(nodes))
}

// indexReader reads little-endian values from a byte slice, turning any
// overrun into a corrupt-index error.
type indexReader struct {
	b   []byte
	off int
	err error
}

func (r *indexReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", ErrCorruptIndex, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *indexReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("want %d bytes, %d left", n, len(r.b)-r.off)
		return nil
	}
	b := r.b[r.off : r.off+n]
	r.off += n
	return b
}

func (r *indexReader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *indexReader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *indexReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *indexReader) str() string {
	if r.err != nil {
		return ""
	}
	n, k := binary.Uvarint(r.b[r.off:])
	if k <= 0 || n > maxIDLength {
		r.fail("bad id length")
		return ""
	}
	r.off += k
	return string(r.take(int(n)))
}

// floats reads dim float32s into dst, rejecting NaN and infinities.
func (r *indexReader) floats(dst []float32) {
	b := r.take(4 * len(dst))
	if b == nil {
		return
	}
	for i := range dst {
		x := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			r.fail("non-finite vector component")
			return
		}
		dst[i] = x
	}
}

// LoadIndex reads an index written by Flat.Save or HNSW.Save. Any damage
// (truncation, flipped bits, impossible counts or links) returns
// ErrCorruptIndex.
func LoadIndex(path string) (VectorIndex, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rag: load index: %w", err)
	}
	idx, err := decodeIndex(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// decodeIndex checks the checksum and parses an index file.
func decodeIndex(data []byte) (VectorIndex, error) {
	if len(data) < headerSize+4 {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorruptIndex, len(data))
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptIndex)
	}
	return decodeBody(body)
}

// decodeBody parses a checksummed index file without its checksum.
func decodeBody(body []byte) (VectorIndex, error) {
	r := &indexReader{b: body}
	if string(r.take(len(indexMagic))) != indexMagic {
		return nil, fmt.Errorf("%w: not an index file", ErrCorruptIndex)
	}
	if v := r.u16(); v != indexVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCorruptIndex, v, indexVersion)
	}
	kind, metric := r.u8(), Metric(r.u8())
	dim, nodes := int(r.u32()), int(r.u32())
	if metric != Cosine && metric != Dot {
		r.fail("unknown metric %d", metric)
	}
	if dim <= 0 || dim > 1<<16 {
		r.fail("dimension %d", dim)
	}
	// Every node needs at least its vector and a one-byte ID length, so the
	// count is bounded by the bytes present before anything is allocated.
	if r.err == nil && nodes > (len(body)-r.off)/(4*dim+1) {
		r.fail("%d nodes of dimension %d cannot fit in %d bytes", nodes, dim, len(body))
	}
	if r.err != nil {
		return nil, r.err
	}
	var idx VectorIndex
	switch kind {
	case kindFlat:
		idx = decodeFlat(r, metric, dim, nodes)
	case kindHNSW:
		idx = decodeHNSW(r, metric, dim, nodes)
	default:
		r.fail("unknown index kind %d", kind)
	}
	if r.err == nil && r.off != len(body) {
		r.fail("%d trailing bytes", len(body)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return idx, nil
}

// Save writes the index atomically; LoadIndex reads it back.
func (f *Flat) Save(path string) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return saveAtomically(path, func(w *indexWriter) error {
		w.header(kindFlat, f.metric, f.dim, len(f.ids))
		for i, id := range f.ids {
			w.str(id)
			w.floats(f.data[i*f.dim : (i+1)*f.dim])
		}
		return nil
	})
}

func decodeFlat(r *indexReader, m Metric, dim, nodes int) *Flat {
	f := NewFlat(dim, m)
	f.data = make([]float32, nodes*dim)
	f.ids = make([]string, nodes)
	for i := range nodes {
		id := r.str()
		r.floats(f.data[i*dim : (i+1)*dim])
		if r.err != nil {
			return nil
		}
		if _, dup := f.byID[id]; dup || id == "" {
			r.fail("empty or duplicate id %q", id)
			return nil
		}
		f.ids[i] = id
		f.byID[id] = int32(i)
	}
	return f
}

// Save writes the index atomically; LoadIndex reads it back.
func (h *HNSW) Save(path string) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return saveAtomically(path, func(w *indexWriter) error {
		w.header(kindHNSW, h.opt.Metric, h.dim, len(h.ids))
		w.u32(uint32(h.opt.M))
		w.u32(uint32(h.opt.EfConstruction))
		w.u32(uint32(h.opt.EfSearch))
		w.u32(uint32(h.entry))
		w.u8(uint8(h.maxLevel))
		for i, id := range h.ids {
			w.str(id)
			del := uint8(0)
			if h.deleted[i] {
				del = 1
			}
			w.u8(del)
			w.u8(h.levels[i])
			w.floats(h.vec(int32(i)))
			for l := 0; l <= int(h.levels[i]); l++ {
				ns := h.links(int32(i), l)
				w.u16(uint16(len(ns)))
				for _, u := range ns {
					w.u32(uint32(u))
				}
			}
		}
		return nil
	})
}

func decodeHNSW(r *indexReader, m Metric, dim, nodes int) *HNSW {
	mm, efc, efs := int(r.u32()), int(r.u32()), int(r.u32())
	entry, maxLevel := int32(r.u32()), int(r.u8())
	if r.err != nil {
		return nil
	}
	if mm < 2 || mm > 127 || efc < 1 || efc > 1<<20 || efs < 1 || efs > 1<<20 || maxLevel > 32 {
		r.fail("bad parameters M=%d efConstruction=%d efSearch=%d maxLevel=%d", mm, efc, efs, maxLevel)
		return nil
	}
	if (nodes == 0) != (entry == -1) || entry < -1 || int(entry) >= nodes {
		r.fail("entry point %d with %d nodes", entry, nodes)
		return nil
	}
	h := NewHNSW(dim, HNSWOptions{Metric: m, M: mm, EfConstruction: efc, EfSearch: efs})
	h.entry, h.maxLevel = entry, maxLevel
	h.data = make([]float32, nodes*dim)
	h.ids = make([]string, nodes)
	h.deleted = make([]bool, nodes)
	h.levels = make([]uint8, nodes)
	h.links0 = make([]int32, nodes*h.m0)
	h.count0 = make([]uint8, nodes)
	h.upper = make([][][]int32, nodes)
	for i := range nodes {
		id := r.str()
		del, level := r.u8(), int(r.u8())
		r.floats(h.vec(int32(i)))
		if r.err != nil {
			return nil
		}
		if id == "" || del > 1 || level > maxLevel {
			r.fail("node %d: id %q, deleted flag %d, level %d (max %d)", i, id, del, level, maxLevel)
			return nil
		}
		h.ids[i], h.deleted[i], h.levels[i] = id, del == 1, uint8(level)
		h.upper[i] = make([][]int32, level)
		for l := 0; l <= level; l++ {
			n := int(r.u16())
			if r.err == nil && n > h.maxLinks(l) {
				r.fail("node %d has %d links on layer %d", i, n, l)
			}
			if r.err != nil {
				return nil
			}
			ns := make([]int32, n)
			for j := range ns {
				ns[j] = int32(r.u32())
				if r.err == nil && (ns[j] < 0 || int(ns[j]) >= nodes || int(ns[j]) == i) {
					r.fail("node %d links to %d", i, ns[j])
				}
			}
			if r.err != nil {
				return nil
			}
			h.setLinks(int32(i), l, ns)
		}
		if !h.deleted[i] {
			if _, dup := h.byID[id]; dup {
				r.fail("duplicate id %q", id)
				return nil
			}
			h.byID[id] = int32(i)
		}
	}
	// A link to a node must exist on that node's layers too.
	for i := range nodes {
		for l := 0; l <= int(h.levels[i]); l++ {
			for _, u := range h.links(int32(i), l) {
				if int(h.levels[u]) < l {
					r.fail("node %d links on layer %d to node %d of level %d", i, l, u, h.levels[u])
					return nil
				}
			}
		}
	}
	if entry >= 0 && int(h.levels[entry]) != maxLevel {
		r.fail("entry point %d has level %d, max level is %d", entry, h.levels[entry], maxLevel)
		return nil
	}
	return h
}
