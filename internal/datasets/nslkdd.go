package datasets

import (
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// NSL-KDD (Tavallaee et al. 2009) is the de-duplicated revision of the KDD
// Cup 1999 intrusion-detection data: one connection record per line, 43
// comma-separated fields without a header — 41 features, the label
// ("normal" or an attack name) and a difficulty level 0–21.
const (
	kddFields = 43
	// KDDNumericFeatures is the number of numeric features of a record: the
	// 41 features without protocol_type, service and flag.
	KDDNumericFeatures = 38
)

// kddFeatureNames are the 41 feature columns in file order.
var kddFeatureNames = [41]string{
	"duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land",
	"wrong_fragment", "urgent", "hot", "num_failed_logins", "logged_in", "num_compromised",
	"root_shell", "su_attempted", "num_root", "num_file_creations", "num_shells",
	"num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login", "count",
	"srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate",
	"same_srv_rate", "diff_srv_rate", "srv_diff_host_rate", "dst_host_count",
	"dst_host_srv_count", "dst_host_same_srv_rate", "dst_host_diff_srv_rate",
	"dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
	"dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate",
}

// The symbolic columns.
const (
	kddProtocol = 1
	kddService  = 2
	kddFlag     = 3
)

var kddSymbolic = [3]int{kddProtocol, kddService, kddFlag}

// KDDRecord is one NSL-KDD connection record.
type KDDRecord struct {
	// Numeric holds the 38 numeric features in file order (the 41 without
	// protocol_type, service and flag).
	Numeric                 [KDDNumericFeatures]float64
	Protocol, Service, Flag string
	// Label is "normal" or the attack name (neptune, smurf, …).
	Label string
	// Difficulty is how many of the 21 learners of the NSL-KDD paper
	// classified the record correctly.
	Difficulty int
}

// Attack reports whether the record is labelled as anything but normal.
func (r *KDDRecord) Attack() bool { return r.Label != "normal" }

// KDDAttacks returns the binary labels (true = attack) of recs, for
// evaluation only: a detector must never see them.
func KDDAttacks(recs []KDDRecord) []bool {
	y := make([]bool, len(recs))
	for i := range recs {
		y[i] = recs[i].Attack()
	}
	return y
}

// ReadNSLKDD parses NSL-KDD records. A line with a field count other than
// 43, a non-numeric or non-finite numeric field, an empty symbolic field or
// label, or a difficulty outside 0–21 is an error naming its line.
func ReadNSLKDD(r io.Reader) ([]KDDRecord, error) {
	const set = "nsl-kdd"
	cr := newCSVReader(r, kddFields)
	var recs []KDDRecord
	err := eachRecord(set, cr, func(f []string) error {
		var rec KDDRecord
		k := 0
		for i, name := range kddFeatureNames {
			if slices.Contains(kddSymbolic[:], i) {
				if strings.TrimSpace(f[i]) == "" {
					return fieldError(set, cr, i, name, f[i], "empty category")
				}
				continue
			}
			v, err := parseFinite(set, cr, i, name, f[i])
			if err != nil {
				return err
			}
			rec.Numeric[k] = v
			k++
		}
		rec.Protocol, rec.Service, rec.Flag = f[kddProtocol], f[kddService], f[kddFlag]
		rec.Label = strings.TrimSpace(f[41])
		if rec.Label == "" {
			return fieldError(set, cr, 41, "label", f[41], "empty label")
		}
		d, err := strconv.Atoi(strings.TrimSpace(f[42]))
		if err != nil || d < 0 || d > 21 {
			return fieldError(set, cr, 42, "difficulty", f[42], "not an integer in 0..21:")
		}
		rec.Difficulty = d
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// NSLKDD reads a file of the shared data's nsl-kdd folder, such as
// "KDDTrain+_20Percent.txt" or "KDDTest+.txt" (the .gz copy is read when
// that is what exists).
func NSLKDD(file string) ([]KDDRecord, error) {
	dir, err := Path("nsl-kdd")
	if err != nil {
		return nil, err
	}
	return readTextFile(filepath.Join(dir, file), ReadNSLKDD)
}

// KDDEncoder turns records into numeric feature rows: the 38 numeric
// features min–max scaled with the training minimum and maximum, then a
// one-hot block per symbolic feature over the categories seen in training.
// Fit it on training records only, so that nothing about the test data
// leaks into the features. Test values may fall outside [0, 1], and a
// category unseen in training encodes as all zeros in its block (as
// scikit-learn's OneHotEncoder with handle_unknown="ignore").
type KDDEncoder struct {
	// Protocols, Services and Flags are the training categories, sorted.
	Protocols, Services, Flags []string
	// Min and Max are the numeric features' training ranges; a feature with
	// Max == Min encodes as 0.
	Min, Max [KDDNumericFeatures]float64
}

// FitKDDEncoder learns the categories and numeric ranges of train.
func FitKDDEncoder(train []KDDRecord) *KDDEncoder {
	e := &KDDEncoder{}
	if len(train) == 0 {
		return e
	}
	e.Min, e.Max = train[0].Numeric, train[0].Numeric
	for i := range train {
		r := &train[i]
		for j, v := range r.Numeric {
			e.Min[j] = min(e.Min[j], v)
			e.Max[j] = max(e.Max[j], v)
		}
		e.Protocols = append(e.Protocols, r.Protocol)
		e.Services = append(e.Services, r.Service)
		e.Flags = append(e.Flags, r.Flag)
	}
	for _, c := range []*[]string{&e.Protocols, &e.Services, &e.Flags} {
		slices.Sort(*c)
		*c = slices.Compact(*c)
	}
	return e
}

// categories lists the vocabularies in the order of kddSymbolic.
func (e *KDDEncoder) categories() [3][]string {
	return [3][]string{e.Protocols, e.Services, e.Flags}
}

// Width is the number of encoded features.
func (e *KDDEncoder) Width() int {
	return KDDNumericFeatures + len(e.Protocols) + len(e.Services) + len(e.Flags)
}

// FeatureNames names the encoded columns: the numeric feature names, then
// "protocol_type=tcp", "service=http", … in encoding order.
func (e *KDDEncoder) FeatureNames() []string {
	names := make([]string, 0, e.Width())
	for i, n := range kddFeatureNames {
		if !slices.Contains(kddSymbolic[:], i) {
			names = append(names, n)
		}
	}
	for b, cats := range e.categories() {
		for _, c := range cats {
			names = append(names, kddFeatureNames[kddSymbolic[b]]+"="+c)
		}
	}
	return names
}

// Encode returns one row of Width features per record.
func (e *KDDEncoder) Encode(recs []KDDRecord) [][]float64 {
	w := e.Width()
	flat := make([]float64, len(recs)*w)
	x := make([][]float64, len(recs))
	for i := range recs {
		row := flat[i*w : (i+1)*w : (i+1)*w]
		r := &recs[i]
		for j, v := range r.Numeric {
			if span := e.Max[j] - e.Min[j]; span > 0 {
				row[j] = (v - e.Min[j]) / span
			}
		}
		at := KDDNumericFeatures
		symbols := [3]string{r.Protocol, r.Service, r.Flag}
		for b, cats := range e.categories() {
			if k, ok := slices.BinarySearch(cats, symbols[b]); ok {
				row[at+k] = 1
			}
			at += len(cats)
		}
		x[i] = row
	}
	return x
}
