#!/usr/bin/python3
"""SciPy side of scripts/bench/stats.sh: the same workloads as
stats/bench_test.go, best of 3 runs each, printed as "name wall-ms cpu-ms"
lines (CPU time is the process's, less sensitive to a shared machine). SciPy gets its fastest configuration: vectorized
statistics and the default batch (all resamples at once)."""
import sys
import time

import numpy as np
from scipy import stats

rng = np.random.default_rng(1)
x1000 = rng.normal(0, 1, 1000)
x500, y500 = rng.normal(0, 1, 500), rng.normal(0.1, 1, 500)
a1000, b1000 = rng.normal(0, 1, 1000), rng.normal(0.1, 2, 1000)


def mean_diff(a, b, axis):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


workloads = {
    "BootstrapBCaMean": lambda: stats.bootstrap((x1000,), np.mean, n_resamples=10000, method="BCa",
                                                random_state=np.random.default_rng(0)),
    "PermutationIndependent": lambda: stats.permutation_test((x500, y500), mean_diff, n_resamples=10000,
                                                             vectorized=True, random_state=np.random.default_rng(0)),
    "PermutationPaired": lambda: stats.permutation_test((a1000, b1000), mean_diff, n_resamples=10000,
                                                        permutation_type="samples", vectorized=True,
                                                        random_state=np.random.default_rng(0)),
}
for name, run in workloads.items():
    best, best_cpu = float("inf"), float("inf")
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        t0, c0 = time.perf_counter(), time.process_time()
        run()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"{name} {best * 1000:.1f} {best_cpu * 1000:.1f}", flush=True)
