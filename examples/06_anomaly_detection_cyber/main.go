// Command 06_anomaly_detection_cyber is roadmap lesson 06: unsupervised
// intrusion detection. It fits an Isolation Forest (and an Extended
// Isolation Forest) on NSL-KDD training traffic without looking at the
// labels, scores the KDDTest+ connections, and only then uses the labels to
// measure ROC AUC, average precision and precision in the top 1% of alerts,
// next to the median/MAD baseline. It writes the score distributions of
// normal and attack traffic as PNGs and ships the fitted forest through the
// saved-model format.
//
// Without ../shared/data it runs on generated traffic and says so.
//
//	go run ./examples/06_anomaly_detection_cyber [-quick] [-out DIR]
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlprep/mlprep/anomaly"
	"github.com/mlprep/mlprep/eval"
	"github.com/mlprep/mlprep/internal/datasets"
	"github.com/mlprep/mlprep/internal/lesson"
	"github.com/mlprep/mlprep/internal/plots"
	"github.com/mlprep/mlprep/internal/progress"
)

// traffic is the lesson's data: the detector sees train and test; attack
// (the test labels) is used for evaluation only.
type traffic struct {
	source      string
	train, test [][]float64
	attack      []int // 1 = attack, per test row
}

func main() {
	opts := lesson.Parse()
	if err := run(context.Background(), opts); err != nil {
		lesson.Fatal(err)
	}
}

func run(ctx context.Context, opts *lesson.Options) error {
	data, err := loadTraffic()
	if err != nil {
		return err
	}
	fmt.Printf("data: %s\n", data.source)
	fmt.Printf("fit on %d unlabelled connections, score %d (%d attacks) with %d features\n\n",
		len(data.train), len(data.test), count(data.attack), len(data.train[0]))

	seeds := 5
	if opts.Quick {
		seeds = 1
	}
	var forestScores []float64 // seed 0 of the Isolation Forest, for the plot
	var notes []string         // printed after the table
	detectors := []struct {
		name string
		fit  func(seed uint64) (*anomaly.Forest, error)
	}{
		{"Isolation Forest", func(seed uint64) (*anomaly.Forest, error) {
			return anomaly.IsolationForest{Seed: seed}.Fit(ctx, data.train)
		}},
		{"Extended Isolation Forest", func(seed uint64) (*anomaly.Forest, error) {
			return anomaly.ExtendedIsolationForest{Seed: seed}.Fit(ctx, data.train)
		}},
	}
	if opts.Quick {
		detectors = detectors[:1] // hyperplanes over 118 features cost seconds per forest
		notes = append(notes, "-quick: one seed, Extended Isolation Forest skipped")
	}

	fmt.Printf("%-38s %-16s %-18s %s\n", "detector", "ROC AUC", "average precision", "precision@1%")
	var headlineAUC float64
	for _, d := range detectors {
		var m metricSet
		bar := progress.New(d.name, int64(seeds), "forests")
		for s := range seeds {
			f, err := d.fit(uint64(s))
			if err != nil {
				return err
			}
			sc, err := f.ScoreSamples(ctx, data.test)
			if err != nil {
				return err
			}
			if err := m.add(data.attack, negate(sc)); err != nil {
				return err
			}
			if forestScores == nil {
				forestScores = negate(sc)
				note, err := shipAndCheck(ctx, f, data.test[:100], sc[:100])
				if err != nil {
					return err
				}
				notes = append(notes, note)
				if note, err = thresholdNote(ctx, f, data); err != nil {
					return err
				}
				notes = append(notes, note)
			}
			bar.Add(1)
		}
		bar.Done()
		if headlineAUC == 0 {
			headlineAUC = mean(m.auc)
		}
		runs := "1 seed"
		if seeds > 1 {
			runs = fmt.Sprintf("%d seeds", seeds)
		}
		fmt.Printf("%-38s %s\n", fmt.Sprintf("%s (%s)", d.name, runs), m)
	}

	baseline, err := anomaly.FitRobustZ(data.train)
	if err != nil {
		return err
	}
	bs, err := baseline.ScoreSamples(data.test)
	if err != nil {
		return err
	}
	var bm metricSet
	if err := bm.add(data.attack, negate(bs)); err != nil {
		return err
	}
	fmt.Printf("%-38s %s\n", "median/MAD baseline (RobustZ)", bm)
	fmt.Println("\nmean ± sd over seeds; precision@1% = share of attacks among the top 1% of alerts")
	for _, n := range notes {
		fmt.Println(n)
	}

	if err := plotScores(opts, data, forestScores, negate(bs)); err != nil {
		return err
	}
	lesson.Headline("Isolation Forest ROC AUC %.3f on %s (median/MAD baseline %.3f)", headlineAUC, data.short(), bm.auc[0])
	return nil
}

// metricSet collects the metrics of several seeds.
type metricSet struct{ auc, ap, p1 []float64 }

// add scores one run: anomaly scores, higher = more suspicious.
func (m *metricSet) add(attack []int, score []float64) error {
	r, err := eval.NewRanking(attack, score)
	if err != nil {
		return err
	}
	auc, err := r.AUC()
	if err != nil {
		return err
	}
	ap, err := r.AveragePrecision()
	if err != nil {
		return err
	}
	p1, err := r.PrecisionAtK(max(1, len(score)/100))
	if err != nil {
		return err
	}
	m.auc, m.ap, m.p1 = append(m.auc, auc), append(m.ap, ap), append(m.p1, p1)
	return nil
}

func (m metricSet) String() string {
	f := func(v []float64) string {
		if len(v) == 1 {
			return fmt.Sprintf("%.3f", v[0])
		}
		return fmt.Sprintf("%.3f ± %.3f", mean(v), sd(v))
	}
	return fmt.Sprintf("%-16s %-18s %s", f(m.auc), f(m.ap), f(m.p1))
}

// thresholdNote tells what Predict does with scikit-learn's 'auto' offset
// of −0.5: how much it flags and how good those alerts are.
func thresholdNote(ctx context.Context, f *anomaly.Forest, data *traffic) (string, error) {
	p, err := f.Predict(ctx, data.test)
	if err != nil {
		return "", err
	}
	var flagged, hits int
	for i, v := range p {
		if v == -1 {
			flagged++
			hits += data.attack[i]
		}
	}
	note := fmt.Sprintf("Predict at offset %.2f (contamination 'auto') flags %d of %d test connections", f.Offset(), flagged, len(p))
	if flagged > 0 {
		note += fmt.Sprintf(": precision %.3f, recall %.3f", float64(hits)/float64(flagged), float64(hits)/float64(count(data.attack)))
	}
	return note + "; ranking by score, as above, does not depend on that threshold", nil
}

// shipAndCheck round-trips the forest through the saved-model format, as a
// detector service would load it, and checks the scores survive.
func shipAndCheck(ctx context.Context, f *anomaly.Forest, x [][]float64, want []float64) (string, error) {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return "", err
	}
	size := buf.Len()
	g, err := anomaly.ReadForest(&buf)
	if err != nil {
		return "", err
	}
	got, err := g.ScoreSamples(ctx, x)
	if err != nil {
		return "", err
	}
	if !slices.Equal(got, want) {
		return "", errors.New("reloaded forest scores differently")
	}
	return fmt.Sprintf("saved model: %d trees in %.0f KiB, reloaded and validated, identical scores", g.Trees(), float64(size)/1024), nil
}

func plotScores(opts *lesson.Options, data *traffic, forest, baseline []float64) error {
	for _, p := range []struct {
		file, title, x string
		score          []float64
		transform      func(float64) float64
	}{
		{"anomaly_scores_iforest.png", "Isolation Forest anomaly score s(x) on " + data.short(), "s(x) = 2^(−E[h(x)]/c(ψ))", forest, nil},
		{"anomaly_scores_robustz.png", "median/MAD baseline on " + data.short(), "log10(1 + mean robust |z|)", baseline, func(v float64) float64 { return math.Log10(1 + v) }},
	} {
		var normal, attack []float64
		for i, v := range p.score {
			if p.transform != nil {
				v = p.transform(v)
			}
			if data.attack[i] == 1 {
				attack = append(attack, v)
			} else {
				normal = append(normal, v)
			}
		}
		plot, err := plots.Histograms(p.title, p.x, 60,
			plots.Sample{Name: "normal traffic", Values: normal}, plots.Sample{Name: "attacks", Values: attack})
		if err != nil {
			return err
		}
		if err := opts.SavePlot(plot, p.file); err != nil {
			return err
		}
	}
	return nil
}

// loadTraffic reads NSL-KDD, encoding both files with the training file's
// categories and ranges, or generates traffic when the shared data is
// absent.
func loadTraffic() (*traffic, error) {
	train, err := datasets.NSLKDD("KDDTrain+_20Percent.txt")
	if errors.Is(err, datasets.ErrNoData) || errors.Is(err, fs.ErrNotExist) {
		return generatedTraffic(), nil
	}
	if err != nil {
		return nil, err
	}
	test, err := datasets.NSLKDD("KDDTest+.txt")
	if err != nil {
		return nil, err
	}
	enc := datasets.FitKDDEncoder(train)
	attack := make([]int, len(test))
	for i, a := range datasets.KDDAttacks(test) {
		if a {
			attack[i] = 1
		}
	}
	return &traffic{
		source: "NSL-KDD: fit on KDDTrain+_20Percent (labels unused), score KDDTest+; " +
			"38 numeric features min–max scaled and protocol/service/flag one-hot, all from the training file",
		train: enc.Encode(train), test: enc.Encode(test), attack: attack,
	}, nil
}

// generatedTraffic stands in for NSL-KDD without the shared data: six
// log-scaled connection features (duration, bytes out, bytes in, count,
// SYN-error rate, distinct-service rate) for three kinds of normal traffic
// and four attacks — a SYN flood, a port scan, an exfiltration and password
// guessing that looks almost like web traffic.
func generatedTraffic() *traffic {
	rng := rand.New(rand.NewPCG(6, 6))
	normal := [][6]float64{
		{0.5, 6, 9, 2, 0.01, 0.05}, // web
		{0.1, 4, 5, 5, 0.01, 0.02}, // dns
		{1.5, 8, 5, 1, 0.02, 0.05}, // mail
	}
	attacks := [][6]float64{
		{0.1, 3, 2, 4, 0.60, 0.05},   // SYN flood: many half-open connections
		{0.2, 3, 3, 3, 0.30, 0.50},   // port scan: one probe per service
		{1.5, 9.5, 5, 1, 0.02, 0.05}, // exfiltration: large uploads on the mail path
		{0.5, 6, 8.5, 3, 0.05, 0.05}, // password guessing: web logins, slightly too many
	}
	draw := func(centre [6]float64) []float64 {
		x := make([]float64, 6)
		for j, c := range centre {
			x[j] = c + 0.5*rng.NormFloat64()
		}
		return x
	}
	mix := func(n int, attackRate float64) ([][]float64, []int) {
		x, y := make([][]float64, n), make([]int, n)
		for i := range x {
			if rng.Float64() < attackRate {
				x[i], y[i] = draw(attacks[rng.IntN(len(attacks))]), 1
			} else {
				x[i] = draw(normal[rng.IntN(len(normal))])
			}
		}
		return x, y
	}
	train, _ := mix(5000, 0.05)
	test, attack := mix(4000, 0.3)
	return &traffic{
		source: "GENERATED traffic (no shared data found: set MLPREP_DATA or place shared/data beside the module " +
			"to run on NSL-KDD): three normal services, SYN flood, port scan, exfiltration, password guessing; 5% attacks in training, 30% in test",
		train: train, test: test, attack: attack,
	}
}

// short names the data for titles and the headline.
func (t *traffic) short() string {
	if len(t.train[0]) == 6 {
		return "generated traffic"
	}
	return "NSL-KDD KDDTest+"
}

func negate(s []float64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = -v
	}
	return out
}

func count(y []int) int {
	n := 0
	for _, v := range y {
		n += v
	}
	return n
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func sd(x []float64) float64 {
	m, s := mean(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)))
}
