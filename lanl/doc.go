// Package lanl is "AI for triage" over authentication logs: it reads the
// LANL "Comprehensive, Multi-Source Cyber-Security Events" data set (Kent
// 2015) as a stream at the speed of gunzip, learns what each user normally
// does, builds graph features of lateral movement per time window, ranks
// user-days as incidents with the reasons an analyst reads first, and
// measures the ranking against the red team's ground truth.
//
//	d := lanl.NewDictionary()
//	red, _, err := lanl.ReadRedTeam(redFile, d, lanl.ReadOptions{})    // labels first: shared IDs
//	in, err := lanl.Open("auth.txt.gz")                                // gzip inflated on its own goroutine
//	an, err := lanl.Analyze(ctx, lanl.NewAuthReader(in, d, lanl.ReadOptions{}), lanl.Config{})
//	score, err := lanl.Score(ctx, an.Incidents, lanl.VariantGraph, 1)
//	alerts := lanl.Alerts(an.Incidents, score, 20)                     // ranked, with reasons
//	labels, _ := lanl.Labels(an.Incidents, red, 0)
//	ev, err := lanl.Evaluate(lanl.VariantGraph, labels, score)         // P@K, recall at FPR, AUC, AP
//
// # The data
//
// 58 days of Windows authentication events from LANL's corporate network,
// about 1.05 billion lines in auth.txt.gz (7 GB compressed):
//
//	time,source user@domain,destination user@domain,source computer,destination computer,auth type,logon type,orientation,success/failure
//	1,C625$@DOM1,U147@DOM1,C625,C625,Negotiate,Batch,LogOn,Success
//
// time counts seconds from the start; names are de-identified (Unnn users,
// Cnnn computers, "C625$" a computer's own machine account, "?" an unknown
// field). redteam.txt.gz lists the 749 events of a red-team exercise
// (time,user@domain,source computer,destination computer): the only labels,
// and incomplete ones — a red team's logged actions, not every step of an
// attack — so "false positives" near the red team may be real findings.
//
// # Reading at the speed of gunzip
//
// Open inflates gzip (pgzip: klauspost/compress's inflater, measured 1.6×
// faster in CPU than compress/gzip here, with read-ahead on a second
// goroutine), so one core inflates while the other parses and scores.
// AuthReader splits lines in a reused 1 MiB buffer, finds the commas eight
// bytes at a time, and interns names into compact IDs (Dictionary): a known
// name costs one hash lookup and no allocation, so steady-state reading
// allocates nothing per line. Bad input never panics and is never silently
// dropped: a line with the wrong number of fields, a non-numeric or
// decreasing time, a user without "@domain", an empty field or an unknown
// outcome is counted by Reason with its line number (Report); a truncated
// gzip delivers what came before the cut and sets Report.Truncated.
// ReadOptions.Strict turns the first of these into an error;
// MaxMalformed stops a file that is mostly garbage.
//
// The speed of gunzip is the goal, not yet the result: on 50 million
// generated lines the whole pipeline costs about 1 µs of CPU per line
// against gzip -dc's 0.32 µs, and the limit is the analyzer (0.43 µs, most
// of it waiting on cache misses into the pair tables), not parsing (0.15
// µs). BENCHMARKS.md has the measured ratios.
//
// # Baselining: what does this user normally do?
//
// Baseline keeps, per user u, the counts of destination computers d and of
// hours of day h, with back-off to global popularity for what u has not
// done yet (additive smoothing with a Dirichlet prior of strength α):
//
//	P(d | u) = (c(u,d) + α·P(d)) / (n_u + α),   P(d) = (c(d) + 1) / (N + C)
//	P(h | u) = (c(u,h) + α·P(h)) / (n_u + α),   P(h) = (c(h) + 1) / (N + 24)
//
// An event's score is its surprise −log P(d|u)·P(h|u) in nats. The baseline
// also records first-seen (user, destination), (user, source) and (source,
// destination) pairs. It learns prequentially — score each event against
// the past, then learn it — so the training window (Config.TrainDays) is a
// warm-up in which nothing is ranked, and the baseline keeps up with drift
// afterwards. Memory grows with distinct users, computers and pairs, not
// with events: that is what lets a billion events fit (see BENCHMARKS.md).
//
// # Graph features of lateral movement
//
// Per window (a day by default) the analyzer builds the directed
// source→destination computer graph and the user→computer graph, and per
// user: out-degree (distinct destinations), new destinations, new sources
// and never-seen computer edges; the fan-out burst (most new destinations
// within Config.Burst); the longest chain of new edges (A→B, then B→C: hops
// of lateral movement); the PageRank of the new destinations in the
// window's computer graph (gonum's network.PageRankSparse, damping 0.85,
// scaled so that 1 is an average computer; converged to 1e-6, and since
// gonum visits the graph's nodes in map order the last digits vary from
// run to run); and the source fan-in — how
// many users recently started logging on from the same source computer,
// the signature of one foothold serving many stolen credentials. Incident
// holds them per (user, window); WriteParquet exports them for DuckDB or
// Spark.
//
// # Ranking: fusing weak signals
//
// No single signal separates attacks from busy administrators, new hires or
// a user who moved desks. Each signal is turned into an empirical tail
// probability p = #{incidents at least as extreme} / n, which puts counts,
// nats and PageRanks on one scale without assuming a distribution. Signals
// that measure the same thing (new destinations, their rarity, new edges,
// the worst event: four views of "went somewhere new") form a family, and a
// family's evidence is its smallest p with a Bonferroni correction (k·min
// p, Tippett's method), so correlated signals are not counted four times.
// The families are combined by Fisher's method, −2 Σ log p, large when an
// incident is extreme in several independent respects (Fisher 1932). The
// variants, side by side in the evaluation, are: the event score alone;
// novelty alone; the graph families alone (VariantGraph); all families
// (VariantFusion); reciprocal rank fusion Σ 1/(60 + rank) over the signals
// (Cormack, Clarke & Büttcher 2009); the harmonic mean of the families' p
// (Wilson 2019), dominated by the single strongest family; and an Isolation
// Forest on the log-scaled features (package anomaly; Liu, Ting & Zhou
// 2008). Alerts ranks incidents and gives each up to three reasons: its
// most extreme signals with how rare they are ("fan-out of 10 new computers
// in one burst (top 0.005%)").
//
// # Evaluation
//
// Labels marks an incident positive when the red-team file has an event of
// its user in its window; Evaluate reads precision@10/50/100 (the analyst's
// queue), recall at 0.1% and 1% false-positive rate (the alert budget), ROC
// AUC and average precision from one eval.Ranking. Ties are shared out in
// expectation, so results do not depend on input order.
//
// # Synthetic data
//
// Synth generates the exact format with heavy-tailed users, office-hour
// and night rhythms, weekends, failures, machine and service accounts,
// administrators, new hires and desk moves, and injects red-team campaigns
// (a stolen credential moving to computers it never used, at night, in
// fan-out bursts, hopping) into a matching redteam file; Stealth moves them
// to office hours, fewer computers and the victim's own workstation. It
// also weaves given red-team events — LANL's real ones — into the
// background with their users, computers and times. Output is a pure
// function of the configuration and streams: 100 million lines need no
// more memory than 1,000.
//
// # Pitfalls
//
//   - Evaluate per incident, not per event: 749 red-team events are 181
//     user-days, and an analyst triages user-days.
//   - The training window must precede the attack, or the baseline learns
//     the attack as normal; LANL's red team starts on day 2, so only one day
//     of training is possible there, and the first scored days are noisy.
//   - Time of day means the data set's clock, not local time: LANL's
//     offsets are unknown, and the red team mostly worked office hours.
//   - First-seen features depend on how long the history is: early windows
//     see everything as new. Tail probabilities over the whole scoring
//     period let late, better-informed windows dominate the top.
//   - Generated background is a model: figures on it show the pipeline
//     works, not how it would do on LANL's real auth.txt.
//
// # Errors and concurrency
//
// Data problems return errors wrapping the package's sentinels (ErrMalformed,
// ErrTooManyMalformed, ErrTruncated, ErrNoEvents, ErrDownload, ErrConfig);
// only programmer errors panic (Alerts with scores of the wrong length). A
// Dictionary, AuthReader, Baseline and Analyzer belong to one goroutine;
// internally an Analyzer computes a closed window's graph features on a
// goroutine of its own while the next window streams in (one window in
// flight, each writing only its own incidents, so results do not depend on
// scheduling), and Analyze reads on another;
// Score, Alerts, Labels and Evaluate only read their inputs. Download
// resumes with HTTP Range requests and checks size and SHA-256.
//
// # References
//
//   - A. D. Kent, "Comprehensive, Multi-Source Cyber-Security Events", Los
//     Alamos National Laboratory, 2015, doi:10.17021/1179829; and
//     "Cybersecurity Data Sources for Dynamic Network Research", in Dynamic
//     Networks in Cybersecurity, Imperial College Press, 2015.
//   - R. A. Fisher, Statistical Methods for Research Workers, 4th ed., 1932.
//   - G. V. Cormack, C. L. A. Clarke, S. Büttcher, "Reciprocal Rank Fusion
//     outperforms Condorcet and individual Rank Learning Methods", SIGIR 2009.
//   - D. J. Wilson, "The harmonic mean p-value for combining dependent
//     tests", PNAS 116(4), 2019.
//   - L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank Citation
//     Ranking: Bringing Order to the Web", Stanford, 1999.
//   - F. T. Liu, K. M. Ting, Z.-H. Zhou, "Isolation Forest", ICDM 2008.
package lanl
