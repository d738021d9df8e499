// Package stats is hypothesis testing for comparing models: classical tests,
// resampling (bootstrap confidence intervals and permutation tests),
// model-comparison procedures, multiple-testing corrections, effect sizes and
// power — with SciPy 1.10's definitions, checked against it to a relative
// 1e-9 on statistics and p-values.
//
// # The question a test answers
//
// A p-value is P(a statistic at least this extreme | the null hypothesis),
// computed from the statistic's distribution under the null. It is not the
// probability that the null is true, and a small p-value with a tiny effect
// is still a tiny effect: report an effect size and a confidence interval
// with every test. The Alternative (TwoSided, Less, Greater) must be chosen
// before looking at the data; a one-sided test picked after seeing the sign
// doubles the false-positive rate.
//
// # Which test
//
//	question                                   test
//	mean of one sample = μ?                    OneSampleTTest
//	two models on the same examples            PairedTTest, Wilcoxon, McNemar,
//	                                           paired Bootstrap / PermutationTest
//	two independent groups                     WelchTTest (StudentTTest only if
//	                                           variances are equal), MannWhitneyU
//	two classifiers, one test set              McNemar (Dietterich 1998)
//	two learning algorithms, one data set      CV52TTest, CV52FTest
//	categorical association                    ChiSquareIndependence
//	monotone / linear association              Spearman, Pearson
//	any statistic, no distributional formula   Bootstrap, PermutationTest
//
// The t-tests assume roughly normal means (fine for large n by the central
// limit theorem); the rank tests (Mann–Whitney, Wilcoxon) assume only
// exchangeability under the null and are robust to outliers. Pairing is the
// most common omission: two models scored on the same test examples are
// paired, and an unpaired test throws away the correlation that makes the
// comparison sensitive.
//
// # Exact or asymptotic
//
// Rank tests have exact null distributions for small samples and normal
// approximations for large ones. Method Auto makes SciPy 1.10's choice:
// Mann–Whitney is exact when either sample has at most 8 values and there
// are no ties; Wilcoxon is exact for at most 50 differences with no zeros
// (and, like SciPy 1.10, ignores ties in the exact case). Result.Method
// records what was used. Normal tails are computed as Φ(−z) through erfc,
// so p-values like 1e-70 are accurate, not 0.
//
// # Resampling
//
// Bootstrap re-computes a Statistic on resamples drawn with replacement and
// reads a confidence interval off their distribution (Efron & Tibshirani
// 1993): PercentileInterval, BasicInterval, or BCa (the default), which
// corrects for bias (ẑ₀, from the fraction of resamples below the estimate)
// and skewness (the acceleration â, from jackknife influence values):
//
//	α₁ = Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α)))
//
// Paired resampling draws the same indices from every sample — the right
// interval for the difference between two models' per-example scores.
// PermutationTest rearranges the data as the null hypothesis allows
// (Independent, Paired, Pairings), exactly when the number of
// rearrangements is at most Resamples, else by Monte Carlo with SciPy's
// p = (k + 1)/(R + 1) (Phipson & Smyth 2010).
//
// Resampling runs in parallel: resamples are drawn in fixed blocks of 64,
// block b from its own PCG stream seeded by (Seed, b), so the result depends
// on Seed alone and is identical for any number of workers.
//
// # Many comparisons
//
// Twenty tests at α = 0.05 produce one false positive on average.
// AdjustPValues applies Bonferroni or Holm (family-wise error) or
// Benjamini–Hochberg (false discovery rate). Evaluating many slices of a
// test set, or many checkpoints against one test set, is multiple testing
// too.
//
// # Effect size and power
//
// CohensD and HedgesG (bias-corrected) measure a mean difference in standard
// deviations; RankBiserial and RankBiserialPaired go with the rank tests.
// TTestPower and TTestSampleSize use the noncentral t distribution: an
// underpowered comparison that finds "no significant difference" has shown
// nothing.
//
// # Numbers and errors
//
// Means and variances are summed pairwise as NumPy does, so statistics agree
// with SciPy to an ulp or two. Distributions come from gonum's stat/distuv.
// SciPy 1.10's Student-t quantile (CDFLIB's stdtrit) is accurate to only
// about 5e-9; gonum's agrees with 40-digit mpmath to 1e-12, so confidence
// interval ends match SciPy to 1e-8.
//
// Empty or too-small samples (ErrEmpty), NaN or ±Inf (ErrNaN), mismatched
// paired lengths (ErrLength) and out-of-range options (ErrArgument) are
// errors. Data for which a statistic is 0/0 — zero variance in a t-test,
// constant input to a correlation — gives a Result with Defined false, NaN
// statistic and p-value, and a Reason; SciPy returns NaN or, depending on
// rounding, ±Inf there. A Statistic that returns NaN, or a degenerate BCa,
// gives a BootstrapResult with Defined false. Nothing panics on data.
//
// All functions are safe for concurrent use. A Statistic passed to
// Bootstrap or PermutationTest is called concurrently and must be too.
//
// References: B. Efron, R. Tibshirani, An Introduction to the Bootstrap
// (1993). B. Efron, "Better bootstrap confidence intervals", JASA 82 (1987).
// T. G. Dietterich, "Approximate statistical tests for comparing supervised
// classification learning algorithms", Neural Computation 10 (1998).
// E. Alpaydın, "Combined 5×2 cv F test for comparing supervised
// classification learning algorithms", Neural Computation 11 (1999).
// Q. McNemar, "Note on the sampling error of the difference between
// correlated proportions", Psychometrika 12 (1947). Y. Benjamini,
// Y. Hochberg, "Controlling the false discovery rate", JRSS B 57 (1995).
// S. Holm, "A simple sequentially rejective multiple test procedure", Scand.
// J. Statist. 6 (1979). B. Phipson, G. K. Smyth, "Permutation p-values
// should never be zero", Stat. Appl. Genet. Mol. Biol. 9 (2010). L. V.
// Hedges, "Distribution theory for Glass's estimator of effect size",
// J. Educ. Stat. 6 (1981). D. S. Kerby, "The simple difference formula",
// Comprehensive Psychology 3 (2014). R. V. Lenth, "Algorithm AS 243",
// Applied Statistics 38 (1989).
package stats
