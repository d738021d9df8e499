package rag

// Collection is a retrieval benchmark: documents, queries and relevance
// judgements (qrels), as in BEIR or the classic SMART collections.
type Collection struct {
	// Name says where the collection came from, e.g. "beir-scifact/test".
	Name string
	// Corpus holds the documents; a title, when present, starts Text (a
	// "flat" title+text index) and is also in Meta["title"].
	Corpus []Document
	// Queries holds the judged queries, in file order.
	Queries []Query
	// Qrels maps a query ID to its judged document IDs and grades; a grade
	// above 0 means relevant.
	Qrels Qrels
}

// Query is one benchmark query.
type Query struct {
	ID, Text string
}

// Qrels maps query ID → document ID → relevance grade.
type Qrels map[string]map[string]int

// add records one judgement.
func (q Qrels) add(query, doc string, grade int) {
	m := q[query]
	if m == nil {
		m = map[string]int{}
		q[query] = m
	}
	m[doc] = grade
}

// judged keeps the queries that have judgements, in their order.
func judged(all []Query, qrels Qrels) []Query {
	var out []Query
	for _, q := range all {
		if _, ok := qrels[q.ID]; ok {
			out = append(out, q)
		}
	}
	return out
}
