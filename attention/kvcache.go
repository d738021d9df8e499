package attention

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Cache holds the projected keys and values of the tokens a MultiHead has
// decoded so far, for incremental (autoregressive) decoding. Without it,
// generating token t recomputes the keys and values of all t−1 earlier
// tokens, so a sequence of n tokens costs O(n²) projections; with it each
// step projects only the new tokens and attends over the stored rows. The
// price is memory: 2·B·t·E floats per layer, which is what limits context
// length at inference time.
//
// A Cache belongs to one MultiHead and one batch of sequences.
type Cache struct {
	batch, length, capacity, width int
	// k and v are (batch, capacity, width): sequence b's row t at
	// [(b·capacity + t)·width].
	k, v []float32
}

// NewCache returns an empty cache for batch sequences decoded by m.
func (m *MultiHead) NewCache(batch int) *Cache {
	if batch <= 0 {
		panic(fmt.Sprintf("attention: NewCache: batch %d", batch))
	}
	return &Cache{batch: batch, width: m.cfg.EmbedDim}
}

// Len returns the number of positions cached.
func (c *Cache) Len() int { return c.length }

// Decode runs causal self-attention for the next tokens x (B, T, E), given
// the keys and values of the earlier tokens in c, and appends the new tokens'
// keys and values to c. Row t of the result equals row Len()+t of a Forward
// over the whole sequence with Mask{Causal: true}. T may be more than one, as
// when a prompt is processed before generation starts.
//
// It panics if x does not match the cache's batch or the module's width, or
// if the module has KDim or VDim different from EmbedDim (self-attention
// needs them equal).
func (m *MultiHead) Decode(x *tensor.Dense, c *Cache) *tensor.Dense {
	xd, b, t, e := sequences("Decode input", x)
	if !m.packed() || e != m.cfg.EmbedDim || b != c.batch || c.width != e {
		panic(fmt.Sprintf("attention: Decode: input %v, cache of batch %d and width %d, module E=%d kdim=%d vdim=%d",
			x.Shape(), c.batch, c.width, m.cfg.EmbedDim, m.cfg.KDim, m.cfg.VDim))
	}
	m.rec = nil
	q, k, v := m.q.infer(xd, b*t, &m.ws.q), m.k.infer(xd, b*t, &m.ws.k), m.v.infer(xd, b*t, &m.ws.v)
	start := c.length
	m.rotate(q, t, start, false)
	m.rotate(k, t, start, false)
	c.append(k.Data, v.Data, t)
	mask := (Mask{Causal: true}).plan(b, m.cfg.NumHeads, t, c.length)
	concat := grow(&m.ws.concat, b*t*e)
	p := m.problem(m.heads(q.Data, t), c.heads(c.k, m.cfg.NumHeads), c.heads(c.v, m.cfg.NumHeads), m.heads(concat, t), b, mask)
	p.runTiled()
	y := m.out.infer(concat, b*t, new([]float32))
	return newTensor(y.Data, b, t, e)
}

// append stores t new rows per sequence, growing the buffers geometrically
// so that decoding n tokens copies O(n) rows in total.
func (c *Cache) append(k, v []float32, t int) {
	if need := c.length + t; need > c.capacity {
		capacity := max(need, 2*c.capacity, 16)
		c.k, c.v = c.regrow(c.k, capacity), c.regrow(c.v, capacity)
		c.capacity = capacity
	}
	w := c.width
	for b := range c.batch {
		dst := (b*c.capacity + c.length) * w
		copy(c.k[dst:dst+t*w], k[b*t*w:(b+1)*t*w])
		copy(c.v[dst:dst+t*w], v[b*t*w:(b+1)*t*w])
	}
	c.length += t
}

// heads views the cached rows of buf (c.k or c.v) as B·nHeads matrices.
func (c *Cache) heads(buf []float32, nHeads int) heads {
	d := c.width / nHeads
	return heads{data: buf, rows: c.length, cols: d, ld: c.width, batch: c.capacity * c.width, head: d}
}

func (c *Cache) regrow(old []float32, capacity int) []float32 {
	grown := make([]float32, c.batch*capacity*c.width)
	for b := range c.batch {
		copy(grown[b*capacity*c.width:], old[b*c.capacity*c.width:(b*c.capacity+c.length)*c.width])
	}
	return grown
}
