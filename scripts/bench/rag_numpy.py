"""numpy exact search on the vectors written by scripts/bench/ragbench.

Usage: python3 scripts/bench/rag_numpy.py DIR DIM
Prints queries per second for one query at a time (X @ q, argpartition)
and for all queries in one matrix product (Q @ X.T), best of 3.
"""
import os
import sys
import time

import numpy as np

d, dim = sys.argv[1], int(sys.argv[2])
X = np.fromfile(os.path.join(d, "rag_base.f32"), dtype="<f4").reshape(-1, dim)
Q = np.fromfile(os.path.join(d, "rag_queries.f32"), dtype="<f4").reshape(-1, dim)
X /= np.linalg.norm(X, axis=1, keepdims=True)
Q /= np.linalg.norm(Q, axis=1, keepdims=True)


def one_at_a_time():
    t = time.perf_counter()
    for q in Q:
        s = X @ q
        top = np.argpartition(-s, 10)[:10]
        top[np.argsort(-s[top])]
    return len(Q) / (time.perf_counter() - t)


def batched():
    t = time.perf_counter()
    S = Q @ X.T
    top = np.argpartition(-S, 10, axis=1)[:, :10]
    np.take_along_axis(S, top, axis=1)
    return len(Q) / (time.perf_counter() - t)


print(f"numpy {np.__version__} exact, one query at a time: {max(one_at_a_time() for _ in range(3)):.0f} queries/s")
print(f"numpy {np.__version__} exact, all queries batched (Q @ X.T): {max(batched() for _ in range(3)):.0f} queries/s")
