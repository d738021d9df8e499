package rag

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxTextFile bounds what ReadText and ReadMarkdown accept, so that a
// mistaken path (a disk image, a log) fails clearly instead of filling memory.
const maxTextFile = 256 << 20

// LoadFile loads one file by its extension: .pdf, .md/.markdown, or
// .txt/.text. Other extensions return an error naming the file.
func LoadFile(path string) (Document, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		return LoadPDF(path)
	case ".md", ".markdown":
		return loadWith(path, ReadMarkdown)
	case ".txt", ".text":
		return loadWith(path, ReadText)
	}
	return Document{}, fmt.Errorf("%w: %s: unsupported extension (want .pdf, .md, .markdown, .txt)", ErrFormat, path)
}

// LoadDir loads every supported file directly inside dir, in name order.
// The first failure stops the load and is returned with the file's path.
func LoadDir(dir string) ([]Document, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var docs []Document
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".pdf", ".md", ".markdown", ".txt", ".text":
		default:
			continue
		}
		if e.IsDir() {
			continue
		}
		d, err := LoadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

func loadWith(path string, read func(io.Reader, string) (Document, error)) (Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return Document{}, fmt.Errorf("rag: %w", err)
	}
	defer f.Close()
	d, err := read(f, filepath.Base(path))
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", path, err)
	}
	d.Meta["source"] = path
	return d, nil
}

// ReadText reads UTF-8 text as one document. Invalid UTF-8 is an error
// naming the byte offset: silently replacing it would shift every citation
// offset after it.
func ReadText(r io.Reader, id string) (Document, error) {
	text, err := readUTF8(r)
	if err != nil {
		return Document{}, err
	}
	return Document{ID: id, Text: text, Meta: map[string]string{"format": "text"}}, nil
}

// ReadMarkdown reads a Markdown file. Markup that would pollute the index
// (heading and emphasis marks, link targets, HTML tags) is replaced by spaces
// of the same length, so that Text keeps the file's byte offsets and a
// citation points into the original file. The first heading becomes
// Meta["title"].
func ReadMarkdown(r io.Reader, id string) (Document, error) {
	text, err := readUTF8(r)
	if err != nil {
		return Document{}, err
	}
	meta := map[string]string{"format": "markdown"}
	if m := mdHeading.FindStringSubmatch(text); m != nil {
		meta["title"] = strings.TrimSpace(m[1])
	}
	b := []byte(text)
	for _, re := range []*regexp.Regexp{mdLinkTarget, mdHTMLTag, mdHeadingMark, mdEmphasis} {
		for _, loc := range re.FindAllSubmatchIndex(b, -1) {
			start, end := loc[0], loc[1]
			if len(loc) > 2 && loc[2] >= 0 {
				start, end = loc[2], loc[3]
			}
			for i := start; i < end; i++ {
				b[i] = ' '
			}
		}
	}
	return Document{ID: id, Text: string(b), Meta: meta}, nil
}

var (
	mdHeading     = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+)$`)
	mdHeadingMark = regexp.MustCompile(`(?m)^(#{1,6})[ \t]`)
	mdLinkTarget  = regexp.MustCompile(`\]\(([^)\s]*(?:\s+"[^"]*")?)\)`)
	mdHTMLTag     = regexp.MustCompile(`</?[A-Za-z][^>\n]*>`)
	mdEmphasis    = regexp.MustCompile("[*_`]+")
)

func readUTF8(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTextFile+1))
	if err != nil {
		return "", fmt.Errorf("rag: %w", err)
	}
	if len(data) > maxTextFile {
		return "", fmt.Errorf("%w: text larger than %d bytes", ErrFormat, maxTextFile)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			c, n := utf8.DecodeRune(data[off:])
			if c == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return "", fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrFormat, off)
	}
	return string(data), nil
}
