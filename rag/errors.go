package rag

import "errors"

// Sentinel errors. Functions wrap them with the detail (file, ID, position),
// so test with errors.Is.
var (
	// ErrEmptyQuery reports a query with no searchable token or an empty vector.
	ErrEmptyQuery = errors.New("rag: empty query")
	// ErrEmptyIndex reports a search or fit over no documents.
	ErrEmptyIndex = errors.New("rag: empty index")
	// ErrDuplicateID reports an ID that is already indexed.
	ErrDuplicateID = errors.New("rag: duplicate id")
	// ErrNotFound reports an ID that is not indexed.
	ErrNotFound = errors.New("rag: id not found")
	// ErrDimension reports a vector whose length differs from the index's.
	ErrDimension = errors.New("rag: dimension mismatch")
	// ErrZeroVector reports a zero (or non-finite) vector where a direction is needed.
	ErrZeroVector = errors.New("rag: zero or non-finite vector")
	// ErrCorruptIndex reports an index file that fails validation.
	ErrCorruptIndex = errors.New("rag: corrupt index file")
	// ErrPDF reports a PDF that cannot be read: malformed, truncated or
	// without a text layer.
	ErrPDF = errors.New("rag: unreadable PDF")
	// ErrEncrypted reports a PDF that needs a password.
	ErrEncrypted = errors.New("rag: encrypted PDF")
	// ErrFormat reports malformed input in a text format (JSON lines, TSV,
	// SMART, UTF-8).
	ErrFormat = errors.New("rag: malformed input")
	// ErrAPI reports an embeddings or chat server that failed or answered
	// something that does not follow the protocol.
	ErrAPI = errors.New("rag: API error")
)
