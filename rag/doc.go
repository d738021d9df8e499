// Package rag is retrieval-augmented generation built from its parts and
// measured on real benchmarks: loaders (PDF, Markdown, text), sentence-aware
// chunking with source offsets, BM25 with a real analyzer, dense embeddings
// (a local LSA, or any OpenAI-compatible /v1/embeddings server), exact and
// HNSW vector indexes saved atomically to disk, weighted reciprocal-rank
// fusion, grounded answers with citations, claim verification, and BEIR
// evaluation (nDCG@10, Recall@100, MRR@10).
//
// # The pipeline
//
//	files ─► LoadFile/LoadDir ─► Document{ID, Text, Meta, Pages}
//	      ─► Chunker.Split ─► Chunk{DocID, Start, End, Page}
//	      ─► BM25  +  Embedder ─► VectorIndex (Flat, HNSW)
//	query ─► Hybrid (weighted RRF) ─► Evidence ─► Answerer ─► Answer{Text, Citations}
//	claim ─► Evidence ─► Verifier ─► Verification{Verdict, Citations}
//
// NewStore wires the retrieval half for a set of documents; most users want
// it, then Store.Search and an Answerer:
//
//	store, err := rag.NewStore(ctx, docs, rag.StoreOptions{})
//	ev, err := store.Search(ctx, "What does b control in BM25?", 5)
//	ans, err := rag.ExtractiveAnswerer{}.Answer(ctx, question, ev)
//
// # Loading
//
// PDF text has no words, only glyphs placed on a page. ReadPDF walks each
// page's content stream (through github.com/ledongthuc/pdf's interpreter),
// tracks the text matrix and glyph widths, and inserts a space where two
// strings are further apart than 0.15 em and a newline where the baseline
// moves; it then undoes line-end hyphenation and spells out ligatures. Pages
// are kept as byte spans of the text, so every chunk and citation knows its
// page. Encrypted files return ErrEncrypted; malformed, truncated or
// text-less files return ErrPDF (the parser's panics are recovered; the page
// tree is walked with a depth and size budget because a hostile file can
// make it cyclic). ReadMarkdown blanks markup with spaces of equal length so
// that offsets still point into the file.
//
// # Lexical retrieval: BM25
//
// Tokenizer follows Lucene's EnglishAnalyzer, which Anserini's BEIR baselines
// use: Unicode word splitting, possessive removal, lower-casing, Lucene's 33
// English stop words and an English stemmer (Snowball's Porter2, from
// github.com/kljensen/snowball). BM25 scores
//
//	Σ_t qtf · ln(1 + (N − n + 0.5)/(n + 0.5)) · tf / (tf + k1·(1 − b + b·|d|/avgdl))
//
// which is Lucene's form: since Lucene 8 the classic (k1 + 1) factor in the
// numerator is dropped. It scales every score by the same constant, so the
// ranking is identical; this package uses the Lucene form so its scores are
// Lucene's, up to Lucene's lossy one-byte encoding of document lengths. The
// defaults k1 = 0.9, b = 0.4 are Anserini's BEIR settings (Lucene's own are
// 1.2 and 0.75). Interview pitfalls: the "+1 inside the log" keeps the IDF
// positive for terms in more than half the documents; b = 0 turns length
// normalisation off and b = 1 normalises fully; stemming matters (on
// SciFact it is worth about 0.017 nDCG@10) and stop words barely do.
//
// # Dense retrieval
//
// Embedder maps texts to vectors. LSA (the default when no embedder is
// given) is a truncated SVD of the corpus' TF–IDF matrix, computed with a
// randomised range finder (Halko, Martinsson & Tropp 2011) and gonum; it
// needs no network and no model file. HashingEmbedder is TF–IDF feature
// hashing, a lexical model in vector form. OpenAIEmbedder calls an
// OpenAI-compatible /v1/embeddings endpoint (OpenAI, Azure OpenAI with its
// api-key header and deployment routes, Ollama, vLLM) with batching,
// per-attempt timeouts and retries with exponential backoff on 429 and 5xx;
// every answer is validated (one finite vector per input, a permutation of
// indices, one dimension).
//
// What to expect from each: on SciFact, LSA reaches nDCG@10 ≈ 0.55 against
// BM25's 0.68 (BENCHMARKS.md). LSA merges co-occurring words, which helps
// where queries and documents use different words for the same thing (on
// CISI it beats BM25) and hurts where one rare term decides relevance (the
// scientific claims of SciFact). A trained embedding model through
// OpenAIEmbedder is a different class: the BEIR and MTEB leaderboards
// report current sentence-embedding models at or above BM25 on SciFact,
// and fusing such a model with BM25 is where hybrid retrieval earns its
// reputation. The local embedder is for offline use and for teaching, not a
// substitute (this package was not measured with a hosted model: no
// network here).
//
// # Vector indexes
//
// Flat is exact search: a blocked matrix–vector product per query, split
// across cores, with a heap for the top k. HNSW (Malkov & Yashunin 2018) is
// a layered proximity graph: greedy descent through sparse upper layers,
// then a beam search of width efSearch on the bottom layer; neighbours are
// chosen with the paper's diversity heuristic. M bounds the links per node
// (2M on layer 0), efConstruction the beam while inserting. Recall against
// exact search rises with efSearch and falls with the data's intrinsic
// dimension: on clustered vectors of low intrinsic dimension (as real
// embeddings are) a small beam reaches recall@10 ≥ 0.95; on uniformly random
// 384-dimensional vectors no graph index does well. Both metrics are
// supported: Cosine (vectors normalised on insertion, zero vectors
// rejected) and Dot (maximum inner product; long vectors dominate, and HNSW
// has no guarantees for it because the inner product is not a metric).
// Deleting from HNSW marks the node: it still routes searches but is never
// returned. Indexes Save through a temporary file, fsync and rename, so a
// crash leaves the old file or the new one; LoadIndex verifies a CRC-32C and
// every count and link before trusting the file (ErrCorruptIndex otherwise).
//
// # Hybrid retrieval
//
// Hybrid fuses rankings by weighted reciprocal rank fusion (Cormack, Clarke
// & Büttcher 2009): score(d) = Σ_i w_i/(60 + rank_i(d)). Ranks need no score
// calibration. With equal weights a weak retriever drags a strong one down:
// plain RRF of BM25 and LSA loses about 0.06 nDCG@10 on SciFact while it
// gains about 0.035 on CISI. TuneFusion chooses the weight on training
// queries; on SciFact's train split it chooses BM25 alone for LSA, which is
// the honest answer (BENCHMARKS.md has the sweep). Hybrid.Rerank is the hook
// for a cross-encoder.
//
// # Answers, citations and claims
//
// ExtractiveAnswerer quotes the evidence sentences that share the rarest
// question terms, each with a citation (document, page, byte span): it
// cannot hallucinate, and it cannot synthesise. LLMAnswerer sends numbered
// sources to a chat model through ChatClient and rejects an answer that
// cites a source it was not given. EvidenceVerifier labels a claim
// SUPPORTED, REFUTED or NOT_ENOUGH_INFO from the best-covering evidence
// sentence and a negation check; its documentation lists what that can and
// cannot detect. LLMVerifier asks the model for a JSON verdict and validates
// it.
//
// # Evaluation
//
// LoadBEIR reads the BEIR layout (corpus.jsonl[.gz], queries.jsonl,
// qrels/<split>.tsv) and LoadCISI the classic SMART files. Evaluate averages
// nDCG@10 (trec_eval's linear gain), Recall@100 and MRR@10 over all judged
// queries, a query that retrieves nothing counting as zero.
//
// # Errors, panics and concurrency
//
// Bad input from outside returns errors wrapping the package's sentinels
// (ErrEmptyQuery, ErrEmptyIndex, ErrDuplicateID, ErrDimension,
// ErrZeroVector, ErrCorruptIndex, ErrPDF, ErrEncrypted, ErrFormat, ErrAPI),
// with the file, line, ID or server named; batch additions are
// all-or-nothing. Programmer errors panic with a message starting "rag:":
// a non-positive dimension, mismatched ids/vectors lengths, Chunker Overlap
// ≥ Size, Hybrid weights that do not match its retrievers. BM25, Flat,
// HNSW, LSA, HashingEmbedder, Store and the HTTP clients are safe for
// concurrent use; searches run concurrently with each other, additions take
// a write lock. Parallel work is deterministic: HNSW builds the same graph
// for any number of workers.
package rag
