// Command ragpdf writes the small PDFs that rag's tests and example 02 ship
// in rag/testdata: original notes (written for this project, free to
// redistribute) typeset with fpdf, two pages each, plus one PDF encrypted
// with a user password. Run from the module root:
//
//	go run ./scripts/golden/ragpdf
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

type note struct {
	file, title string
	pages       [][]string // paragraphs per page
}

var notes = []note{
	{"lexical_retrieval_notes.pdf", "Notes on lexical retrieval", [][]string{{
		"Lexical retrieval ranks documents by the words they share with the query. The classic scoring function is Okapi BM25, developed by Robertson and colleagues at City University London in the 1990s.",
		"BM25 multiplies an inverse document frequency by a saturating function of term frequency. A word that occurs in few documents, such as a gene name, carries much more weight than a word that occurs everywhere. Term frequency saturates: the tenth occurrence of a word adds far less than the first.",
		"Length normalisation divides by a factor that grows with the length of the document relative to the average length. The parameter b controls how strongly long documents are penalised, and k1 controls how quickly term frequency saturates. Typical values are k1 = 0.9 and b = 0.4 for short scientific abstracts.",
	}, {
		"Stemming maps inflected words to a common stem, so that a query about retrieving documents matches a document about retrieval. The Porter stemmer removes suffixes in several steps; the Snowball English stemmer refines those rules.",
		"Stop words such as the, of and with are removed before indexing because they carry little meaning. Removing them also shrinks the inverted index.",
		"BM25 does not understand synonyms. A query about heart attacks will not find a document that only says myocardial infarction. Dense retrieval with embeddings is the usual remedy, and hybrid retrieval combines both rankings.",
	}}},
	{"vector_search_notes.pdf", "Notes on vector search", [][]string{{
		"Dense retrieval represents queries and documents as vectors and ranks documents by cosine similarity. Exact search compares the query with every stored vector, which costs time proportional to the size of the collection.",
		"Hierarchical navigable small world graphs, introduced by Malkov and Yashunin in 2016, answer approximate nearest neighbour queries in roughly logarithmic time. Each vector is a node; upper layers hold few nodes and act as express lanes.",
		"The parameter M bounds the number of links per node. The beam width efConstruction controls the quality of the graph during insertion, and efSearch controls the trade-off between recall and speed at query time.",
	}, {
		"Recall at ten measures the fraction of the true ten nearest neighbours that the approximate search returns. An index is usually tuned to reach a recall of at least 0.95.",
		"Vectors must be normalised for cosine similarity. A zero vector has no direction and cannot be normalised, so an index must reject it.",
		"Deleting a vector from a graph index is usually done by marking it deleted. The node still guides searches but is never returned.",
	}}},
	{"rag_evaluation_notes.pdf", "Notes on evaluating retrieval-augmented generation", [][]string{{
		"Retrieval-augmented generation answers a question from retrieved passages and cites them. The retriever is evaluated with ranking metrics on a benchmark with relevance judgements, such as BEIR.",
		"Normalised discounted cumulative gain at ten rewards relevant documents near the top of the ranking. Recall at one hundred measures how many relevant documents a retriever finds at all, which bounds what a re-ranker can achieve.",
		"Mean reciprocal rank averages the inverse rank of the first relevant document.",
	}, {
		"Claim verification retrieves evidence for a claim and labels it supported, refuted or not enough information. The SciFact dataset pairs scientific claims with abstracts that support or refute them.",
		"A grounded answer must cite the passages it relies on. A citation that points to a passage that was never retrieved is a hallucination and must be rejected.",
		"Reciprocal rank fusion combines several rankings without calibrating their scores. It was proposed by Cormack, Clarke and Buettcher in 2009.",
	}}},
}

func main() {
	dir := filepath.Join("rag", "testdata")
	for _, n := range notes {
		if err := write(filepath.Join(dir, n.file), n, ""); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := write(filepath.Join(dir, "bad", "encrypted.pdf"), notes[0], "secret"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// fixedDate makes the files reproducible byte for byte.
var fixedDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func write(path string, n note, password string) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(n.title, false)
	pdf.SetCreationDate(fixedDate)
	pdf.SetModificationDate(fixedDate)
	if password != "" {
		pdf.SetProtection(fpdf.CnProtectPrint, password, "owner-"+password)
	}
	for i, paras := range n.pages {
		pdf.AddPage()
		if i == 0 {
			pdf.SetFont("Helvetica", "B", 16)
			pdf.MultiCell(0, 10, n.title, "", "L", false)
			pdf.Ln(4)
		}
		pdf.SetFont("Helvetica", "", 11)
		for _, p := range paras {
			pdf.MultiCell(0, 6, p, "", "J", false)
			pdf.Ln(3)
		}
	}
	return pdf.OutputFileAndClose(path)
}
