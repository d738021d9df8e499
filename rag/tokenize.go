package rag

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Tokenizer turns text into index terms the way Lucene's EnglishAnalyzer
// (Anserini's default) does: Unicode word splitting, English possessive
// removal, lower-casing, stop-word removal and stemming. The zero value is
// that full analyzer; the fields switch steps off.
//
// Words are maximal runs of letters, digits and combining marks; an
// apostrophe between letters stays inside the word ("don't"), and a '.' or
// ',' between digits stays inside the number ("3.5", "12,288"), as in
// Unicode's word-break rules (UAX #29). Everything else separates words,
// hyphens included ("encoder-decoder" → "encoder", "decoder").
//
// The stemmer is Snowball's English ("Porter2") stemmer, an improved
// version of the Porter stemmer that Lucene's PorterStemFilter implements;
// the two agree on most words.
//
// A Tokenizer is safe for concurrent use.
type Tokenizer struct {
	// KeepStopWords keeps the 33 stop words of Lucene's English analyzer.
	KeepStopWords bool
	// NoStem turns stemming off.
	NoStem bool
}

// Token is one term with the byte span of the word it came from.
type Token struct {
	Term       string
	Start, End int
}

// Tokens returns the index terms of text.
func (t Tokenizer) Tokens(text string) []string {
	var out []string
	t.each(text, func(term string, _, _ int) { out = append(out, term) })
	return out
}

// Spans returns the index terms of text with the byte spans of their words.
func (t Tokenizer) Spans(text string) []Token {
	var out []Token
	t.each(text, func(term string, s, e int) { out = append(out, Token{term, s, e}) })
	return out
}

// each calls emit for every kept term of text.
func (t Tokenizer) each(text string, emit func(term string, start, end int)) {
	var lower []byte
	forEachWord(text, func(start, end int) {
		word := text[start:end]
		if n := len(word); n > 2 && (strings.HasSuffix(word, "'s") || strings.HasSuffix(word, "’s")) {
			word = strings.TrimSuffix(strings.TrimSuffix(word, "'s"), "’s")
		}
		lower = appendLower(lower[:0], word)
		if !t.KeepStopWords && isStopWord(lower) {
			return
		}
		term := string(lower)
		if !t.NoStem {
			term = stem(term)
		}
		emit(term, start, end)
	})
}

// forEachWord calls fn with the byte span of every word of text.
func forEachWord(text string, fn func(start, end int)) {
	start := -1
	for i := 0; i < len(text); {
		c, n := rune(text[i]), 1
		if c >= utf8.RuneSelf {
			c, n = utf8.DecodeRuneInString(text[i:])
		}
		inWord := isWordRune(c)
		if !inWord && start >= 0 && i+n < len(text) && joinsWord(c, text[start:i], text[i+n:]) {
			inWord = true
		}
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			fn(start, i)
			start = -1
		}
		i += n
	}
	if start >= 0 {
		fn(start, len(text))
	}
}

func isWordRune(c rune) bool {
	if c < utf8.RuneSelf {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c)
}

// joinsWord reports whether punctuation c, between the word so far and the
// rest of the text, stays inside the word: an apostrophe between letters or
// a decimal point or thousands separator between digits.
func joinsWord(c rune, before, after string) bool {
	prev, _ := utf8.DecodeLastRuneInString(before)
	next, _ := utf8.DecodeRuneInString(after)
	switch c {
	case '\'', '’':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case '.', ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

func appendLower(dst []byte, s string) []byte {
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(dst[:start], strings.ToLower(s)...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// stopWords is Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"but": true, "by": true, "for": true, "if": true, "in": true, "into": true, "is": true,
	"it": true, "no": true, "not": true, "of": true, "on": true, "or": true, "such": true,
	"that": true, "the": true, "their": true, "then": true, "there": true, "these": true,
	"they": true, "this": true, "to": true, "was": true, "will": true, "with": true,
}

func isStopWord(lower []byte) bool { return stopWords[string(lower)] }

// stemCache memoises the stemmer: a corpus has far fewer distinct words than
// tokens, and the Snowball stemmer costs about a microsecond per word. The
// cache stops growing at maxStemCache words so that hostile input (endless
// distinct "words") cannot grow it without bound.
var (
	stemCache     sync.Map
	stemCacheSize atomic.Int64
)

const maxStemCache = 1 << 20

func stem(word string) string {
	if s, ok := stemCache.Load(word); ok {
		return s.(string)
	}
	s := english.Stem(word, true)
	if stemCacheSize.Load() < maxStemCache {
		if _, loaded := stemCache.LoadOrStore(word, s); !loaded {
			stemCacheSize.Add(1)
		}
	}
	return s
}
