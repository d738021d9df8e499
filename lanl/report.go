package lanl

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mlprep/mlprep/eval"
)

// AblationTable lays out evaluations side by side, one row per variant:
// precision@K, recall at the false-positive budgets, ROC AUC and AP.
func AblationTable(evs []Evaluation) eval.Table {
	t := eval.Table{Header: []string{"variant"}}
	for _, k := range EvaluationKs {
		t.Header = append(t.Header, fmt.Sprintf("P@%d", k))
	}
	for _, f := range EvaluationFPRs {
		t.Header = append(t.Header, fmt.Sprintf("recall@%g%%FPR", 100*f))
	}
	t.Header = append(t.Header, "ROC AUC", "AP")
	for _, ev := range evs {
		row := []string{ev.Variant.String()}
		for _, k := range EvaluationKs {
			row = append(row, figure(ev.PrecisionK[k], 2))
		}
		for _, f := range EvaluationFPRs {
			row = append(row, figure(ev.RecallAtFPR[f], 2))
		}
		row = append(row, figure(ev.ROCAUC, 3), figure(ev.AP, 3))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func figure(x float64, digits int) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", digits, x)
}

// TriageReport is the analyst's Markdown report of one run.
type TriageReport struct {
	Title string
	// Data describes where the events came from.
	Data string
	// Read is the auth reader's report (malformed lines, truncation).
	Read Report
	// Evaluations, when there were labels, is the ablation.
	Evaluations []Evaluation
	// Alerts are the top alerts of the chosen variant, AlertLabels their
	// red-team labels (nil when unlabelled).
	Alerts      []Alert
	AlertLabels []int
	Dict        *Dictionary
	// Window is the window length in seconds (0 means a day).
	Window int64
	// Sections are extra Markdown sections appended as they are.
	Sections []string
}

// WriteMarkdown writes the report.
func (r TriageReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n## Input\n\n%s\n", r.Title, r.Data, r.Read)
	if len(r.Read.Examples) > 0 {
		b.WriteString("\nFirst malformed lines:\n\n")
		for _, m := range r.Read.Examples {
			fmt.Fprintf(&b, "- %s\n", m)
		}
	}
	if len(r.Evaluations) > 0 {
		fmt.Fprintf(&b, "\n## Detection against the red-team labels\n\n%d incidents (user × window), %d with red-team activity.\n\n",
			r.Evaluations[0].Incidents, r.Evaluations[0].Positives)
		if err := AblationTable(r.Evaluations).WriteMarkdown(&b); err != nil {
			return err
		}
	}
	window := r.Window
	if window <= 0 {
		window = secondsPerDay
	}
	if len(r.Alerts) > 0 {
		fmt.Fprintf(&b, "\n## Top %d alerts\n\n", len(r.Alerts))
		t := eval.Table{Header: []string{"rank", "user", "window start (s)", "score", "red team", "top reasons"}}
		for i, a := range r.Alerts {
			label := "?"
			if r.AlertLabels != nil {
				label = map[int]string{0: "no", 1: "yes"}[r.AlertLabels[i]]
			}
			t.Rows = append(t.Rows, []string{fmt.Sprint(a.Rank), r.Dict.Users.Name(a.User),
				fmt.Sprint(a.Window * window), fmt.Sprintf("%.1f", a.Score), label, strings.Join(a.Reasons, "; ")})
		}
		if err := t.WriteMarkdown(&b); err != nil {
			return err
		}
	}
	for _, s := range r.Sections {
		b.WriteString("\n" + strings.TrimSpace(s) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
