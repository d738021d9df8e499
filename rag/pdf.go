package rag

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits that keep a hostile PDF from making the loader loop or grow without
// bound: the page tree is walked with a depth and node budget instead of
// trusting its /Count entries, which a malformed file can make cyclic.
const (
	maxPageTreeDepth = 64
	maxPageTreeNodes = 1 << 17
)

// LoadPDF reads the PDF at path. See ReadPDF.
func LoadPDF(path string) (Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return Document{}, fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Document{}, fmt.Errorf("rag: %w", err)
	}
	doc, err := ReadPDF(f, st.Size(), filepath.Base(path))
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", path, err)
	}
	doc.Meta["source"] = path
	return doc, nil
}

// ReadPDF extracts the text layer of a PDF, page by page, into a Document
// whose Pages give each page's span. Words are separated by reading glyph
// positions (PDF text has no spaces, only positioned glyphs), line-end
// hyphenation is undone and typographic ligatures are spelled out.
//
// An encrypted PDF that needs a password returns ErrEncrypted; a malformed
// or truncated file, or one without any text (a scan), returns ErrPDF. The
// underlying parser panics on some malformed input: ReadPDF recovers and
// returns ErrPDF instead.
func ReadPDF(r io.ReaderAt, size int64, id string) (doc Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = Document{}, fmt.Errorf("%w: %v", ErrPDF, p)
		}
	}()
	if size < 16 {
		return Document{}, fmt.Errorf("%w: %d bytes is too short", ErrPDF, size)
	}
	rd, err := pdf.NewReader(r, size)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return Document{}, fmt.Errorf("%w: it needs a password", ErrEncrypted)
		}
		return Document{}, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	pages, err := pageObjects(rd.Trailer().Key("Root").Key("Pages"))
	if err != nil {
		return Document{}, err
	}
	var b strings.Builder
	doc = Document{ID: id, Meta: map[string]string{"format": "pdf"}}
	letters := 0
	for i, p := range pages {
		if i > 0 {
			b.WriteString("\n\n")
		}
		text := pageText(p)
		start := b.Len()
		b.WriteString(text)
		doc.Pages = append(doc.Pages, Page{Number: i + 1, Start: start, End: b.Len()})
		for _, c := range text {
			if unicode.IsLetter(c) {
				letters++
			}
		}
	}
	if letters == 0 {
		return Document{}, fmt.Errorf("%w: no text layer in %d pages (a scan needs OCR)", ErrPDF, len(pages))
	}
	doc.Text = b.String()
	if title := rd.Trailer().Key("Info").Key("Title").Text(); strings.TrimSpace(title) != "" && utf8.ValidString(title) {
		doc.Meta["title"] = strings.TrimSpace(title)
	}
	return doc, nil
}

// pageObjects walks the page tree depth-first, in document order.
func pageObjects(root pdf.Value) ([]pdf.Page, error) {
	var pages []pdf.Page
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		if depth > maxPageTreeDepth || nodes > maxPageTreeNodes {
			return fmt.Errorf("%w: page tree too deep or cyclic", ErrPDF)
		}
		switch v.Key("Type").Name() {
		case "Page":
			pages = append(pages, pdf.Page{V: v})
		case "Pages":
			kids := v.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: no pages", ErrPDF)
	}
	return pages, nil
}

// pdfFont is what text extraction needs from a font: its decoder and its
// glyph widths (in thousandths of the font size).
type pdfFont struct {
	enc    pdf.TextEncoding
	widths []float64
	first  int
}

func (f *pdfFont) width(code int) float64 {
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return 0
}

// textState follows the PDF text operators closely enough to know where each
// string is drawn: the line matrix origin (Td, T*, Tm), the current point
// (advanced by glyph widths and TJ kerning) and where the previous string ended.
type textState struct {
	font       *pdfFont
	size       float64 // Tf
	charSpace  float64 // Tc
	wordSpace  float64 // Tw
	scaleH     float64 // Tz / 100
	leading    float64 // TL
	sx, sy     float64 // scale of the text matrix
	lineX      float64 // origin of the current line
	lineY      float64
	curX, curY float64 // current point
	lastX      float64 // where the previous string ended
	lastY      float64
	started    bool
}

func (s *textState) em() float64 { return math.Max(math.Abs(s.size*s.sy), 1e-6) }

func (s *textState) moveLine(x, y float64) {
	s.lineX, s.lineY = x, y
	s.curX, s.curY = x, y
}

// show appends one string, preceded by a newline when it starts on another
// line or a space when it starts clearly apart from the previous string.
func (s *textState) show(b *strings.Builder, raw string) {
	if s.font == nil {
		s.font = &pdfFont{enc: identityText{}}
	}
	text := s.font.enc.Decode(raw)
	if s.started {
		em := s.em()
		switch {
		case math.Abs(s.curY-s.lastY) > 0.5*em:
			b.WriteByte('\n')
		case s.curX-s.lastX > 0.15*em || s.lastX-s.curX > 0.5*em:
			b.WriteByte(' ')
		}
	}
	b.WriteString(text)
	adv := 0.0
	if len(s.font.widths) > 0 {
		for i := 0; i < len(raw); i++ {
			adv += s.font.width(int(raw[i]))/1000*s.size + s.charSpace
			if raw[i] == ' ' {
				adv += s.wordSpace
			}
		}
	} else {
		adv = 0.5 * s.size * float64(utf8.RuneCountInString(text))
	}
	s.curX += adv * s.scaleH * s.sx
	s.lastX, s.lastY, s.started = s.curX, s.curY, true
}

// pageText extracts one page's text.
func pageText(p pdf.Page) string {
	if p.V.Key("Contents").IsNull() {
		return ""
	}
	fonts := map[string]*pdfFont{}
	res := p.Resources().Key("Font")
	for _, name := range res.Keys() {
		f := pdf.Font{V: res.Key(name)}
		fonts[name] = &pdfFont{enc: f.Encoder(), widths: f.Widths(), first: f.FirstChar()}
	}
	var b strings.Builder
	st := textState{scaleH: 1, sx: 1, sy: 1}
	var args []pdf.Value
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args = args[:0]
		for stk.Len() > 0 {
			args = append(args, stk.Pop())
		}
		slices.Reverse(args)
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "BT":
			st.sx, st.sy = 1, 1
			st.moveLine(0, 0)
		case "Tf":
			if len(args) == 2 {
				st.font = fonts[args[0].Name()]
				st.size = args[1].Float64()
			}
		case "Tc":
			st.charSpace = num(0)
		case "Tw":
			st.wordSpace = num(0)
		case "Tz":
			st.scaleH = num(0) / 100
		case "TL":
			st.leading = num(0)
		case "Td", "TD":
			st.moveLine(st.lineX+num(0)*st.sx, st.lineY+num(1)*st.sy)
			if op == "TD" {
				st.leading = -num(1)
			}
		case "Tm":
			st.sx, st.sy = math.Hypot(num(0), num(1)), math.Hypot(num(2), num(3))
			st.moveLine(num(4), num(5))
		case "T*":
			st.moveLine(st.lineX, st.lineY-st.leading*st.sy)
		case "'", "\"":
			st.moveLine(st.lineX, st.lineY-st.leading*st.sy)
			if len(args) > 0 {
				st.show(&b, args[len(args)-1].RawString())
			}
		case "Tj":
			if len(args) == 1 {
				st.show(&b, args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := 0; i < args[0].Len(); i++ {
				x := args[0].Index(i)
				if x.Kind() == pdf.String {
					st.show(&b, x.RawString())
				} else {
					st.curX -= x.Float64() / 1000 * st.size * st.scaleH * st.sx
				}
			}
		}
	})
	return cleanExtracted(b.String())
}

// identityText decodes a string shown before any font was selected.
type identityText struct{}

func (identityText) Decode(raw string) string { return strings.ToValidUTF8(raw, "\uFFFD") }

var ligatures = strings.NewReplacer("\uFB00", "ff", "\uFB01", "fi", "\uFB02", "fl", "\uFB03", "ffi", "\uFB04", "ffl", "\u00AD", "")

// cleanExtracted spells out ligatures, rejoins words hyphenated across a line
// end ("effi-\ncient" → "efficient") and makes the text valid UTF-8.
func cleanExtracted(s string) string {
	s = ligatures.Replace(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "-\n")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+2:])
		b.WriteString(s[:i])
		if unicode.IsLetter(prev) && unicode.IsLower(next) {
			s = s[i+2:]
		} else {
			b.WriteString("-\n")
			s = s[i+2:]
		}
	}
}
