package rag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a byte range [Start, End) of a text.
type Span struct {
	Start, End int
}

// Sentences splits text into sentence spans, trimmed of surrounding space.
// A sentence ends at '.', '!' or '?' (optionally followed by closing quotes
// or brackets) when whitespace and then an upper-case letter, a digit or an
// opening quote or bracket follow, unless the word before the period is a
// common abbreviation ("e.g.", "et al.", "Fig.") or a single letter (an
// initial). A blank line always ends a sentence. This rule-based splitter is
// what chunking needs (chunks never cut a sentence in two); it is not a
// trained segmenter and will split after an abbreviation it does not know.
func Sentences(text string) []Span {
	var out []Span
	start := 0
	emit := func(end int) {
		s, e := trimSpan(text, start, end)
		if e > s {
			out = append(out, Span{s, e})
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\n' && blankLineFollows(text, i):
			emit(i)
			start = i + 1
		case c == '.' || c == '!' || c == '?':
			end := i + 1
			for end < len(text) && strings.IndexByte(`"')]’”`, text[end]) >= 0 {
				end++
			}
			if end >= len(text) || !isSpaceByte(text[end]) || !startsSentence(text[end:]) {
				continue
			}
			if c == '.' && isAbbreviation(text[start:i]) {
				continue
			}
			emit(end)
			start = end
			i = end - 1
		}
	}
	emit(len(text))
	return out
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func blankLineFollows(text string, i int) bool {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return false
}

// startsSentence reports whether rest (beginning with whitespace) continues
// with something that can open a sentence.
func startsSentence(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\r\n")
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'([“‘`, r)
}

var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "al": true, "etc": true, "vs": true, "cf": true, "fig": true,
	"figs": true, "eq": true, "eqs": true, "ref": true, "refs": true, "sec": true, "no": true,
	"dr": true, "mr": true, "mrs": true, "ms": true, "prof": true, "approx": true, "resp": true,
	"vol": true, "pp": true, "ed": true, "eds": true, "inc": true, "st": true, "tab": true,
}

// isAbbreviation reports whether the text before a period ends with an
// abbreviation or an initial.
func isAbbreviation(before string) bool {
	j := len(before)
	for j > 0 && !isSpaceByte(before[j-1]) && before[j-1] != '(' {
		j--
	}
	word := strings.ToLower(before[j:])
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsLetter(r)
	}
	return abbreviations[word]
}

func trimSpan(text string, s, e int) (int, int) {
	for s < e && isSpaceByte(text[s]) {
		s++
	}
	for e > s && isSpaceByte(text[e-1]) {
		e--
	}
	return s, e
}
