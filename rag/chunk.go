package rag

import "fmt"

// Chunk is a passage of a document: the unit that is indexed, retrieved and
// cited.
type Chunk struct {
	// ID is "<document ID>#<index>".
	ID string
	// DocID names the document; Text is Document.Text[Start:End].
	DocID string
	Text  string
	// Start and End are byte offsets into the document's Text.
	Start, End int
	// Page and LastPage are the 1-based PDF pages where the chunk starts and
	// ends; 0 for formats without pages.
	Page, LastPage int
}

// Chunker cuts documents into overlapping windows of whole sentences. Size
// and Overlap count words (as the Tokenizer splits them, stop words
// included); the zero value uses 200 words with 40 words of overlap.
//
// A window takes sentences while it stays within Size words; the next window
// starts at the first of the trailing sentences that together hold at most
// Overlap words, so neighbours share context without cutting a sentence. A
// single sentence longer than Size is cut at word boundaries.
type Chunker struct {
	Size, Overlap int
}

// Split returns the chunks of d in order. A document without words yields
// none. It panics if Overlap >= Size.
func (c Chunker) Split(d Document) []Chunk {
	size, overlap := c.Size, c.Overlap
	if size == 0 && overlap == 0 {
		size, overlap = 200, 40
	}
	if size <= 0 || overlap < 0 || overlap >= size {
		panic(fmt.Sprintf("rag: Chunker{Size: %d, Overlap: %d} needs 0 <= Overlap < Size", c.Size, c.Overlap))
	}
	type piece struct {
		span  Span
		words int
	}
	var pieces []piece
	for _, s := range Sentences(d.Text) {
		var words []Span
		forEachWord(d.Text[s.Start:s.End], func(a, b int) { words = append(words, Span{s.Start + a, s.Start + b}) })
		if len(words) == 0 {
			continue
		}
		if len(words) <= size {
			pieces = append(pieces, piece{s, len(words)})
			continue
		}
		for i := 0; i < len(words); i += size {
			j := min(i+size, len(words))
			start, end := words[i].Start, words[j-1].End
			if i == 0 {
				start = s.Start
			}
			if j == len(words) {
				end = s.End
			}
			pieces = append(pieces, piece{Span{start, end}, j - i})
		}
	}
	var out []Chunk
	for i := 0; i < len(pieces); {
		j, words := i, pieces[i].words
		for j+1 < len(pieces) && words+pieces[j+1].words <= size {
			j++
			words += pieces[j].words
		}
		start, end := pieces[i].span.Start, pieces[j].span.End
		out = append(out, Chunk{
			ID: fmt.Sprintf("%s#%d", d.ID, len(out)), DocID: d.ID, Text: d.Text[start:end],
			Start: start, End: end, Page: d.PageAt(start), LastPage: d.PageAt(end - 1),
		})
		if j == len(pieces)-1 {
			break
		}
		next, kept := j+1, 0
		for next-1 > i && kept+pieces[next-1].words <= overlap {
			next--
			kept += pieces[next].words
		}
		i = next
	}
	return out
}
