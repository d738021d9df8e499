"""Peer timings for internal/kernels: numpy/OpenBLAS GEMM and GEMV, PyTorch
quantize_dynamic int8 Linear, on THREADS threads (default 2). Prints one JSON
object {name: seconds (best of N)}; scripts/bench/kernels.sh feeds it to the
Go side.

Run with Debian's python3 (numpy 1.24, torch 1.13) and OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS set to THREADS by the caller (OpenBLAS reads them at
import).
"""
import json
import os
import sys
import time

import numpy as np
import torch

THREADS = int(os.environ.get("THREADS", "2"))
torch.set_num_threads(THREADS)
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
# CLOCK=cpu times single-threaded runs by the thread's CPU time, which other
# processes on a shared machine do not inflate; the default is wall time.
CPU_CLOCK = os.environ.get("CLOCK", "wall") == "cpu"
if CPU_CLOCK and THREADS != 1:
    sys.exit("kernels.py: CLOCK=cpu needs THREADS=1")
clock = time.thread_time if CPU_CLOCK else time.perf_counter


def best(f, min_time=0.2):
    """Best per-call time over REPEATS rounds of enough calls for min_time."""
    f()
    calls, t = 1, 0.0
    while True:
        s = clock()
        for _ in range(calls):
            f()
        t = clock() - s
        if t >= min_time / 4 or calls >= 1 << 16:
            break
        calls *= 2
    out = t / calls
    for _ in range(REPEATS - 1):
        s = clock()
        for _ in range(calls):
            f()
        out = min(out, (clock() - s) / calls)
    return out


res = {}
rng = np.random.default_rng(1)
for n in (64, 128, 256, 512, 1024, 2048):
    for dt, name in ((np.float32, "sgemm"), (np.float64, "dgemm")):
        a = rng.standard_normal((n, n)).astype(dt)
        b = rng.standard_normal((n, n)).astype(dt)
        c = np.empty((n, n), dt)
        res[f"{name}/{n}"] = best(lambda: np.matmul(a, b, out=c))

x = rng.standard_normal((64, 1024)).astype(np.float32)
w = rng.standard_normal((1024, 1024)).astype(np.float32)
y = np.empty((64, 1024), np.float32)
res["linear_f32/64x1024x1024"] = best(lambda: np.matmul(x, w.T, out=y))
x1 = rng.standard_normal((1, 1024)).astype(np.float32)
y1 = np.empty((1, 1024), np.float32)
res["gemv_f32/1024"] = best(lambda: np.matmul(x1, w.T, out=y1))

torch.backends.quantized.engine = "onednn" if "onednn" in torch.backends.quantized.supported_engines else "qnnpack"
lin = torch.nn.Linear(1024, 1024)
qlin = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(lin), {torch.nn.Linear}, dtype=torch.qint8)
tx = torch.from_numpy(x)
with torch.inference_mode():
    res["int8_linear/64x1024x1024"] = best(lambda: qlin(tx))
    res["torch_f32_linear/64x1024x1024"] = best(lambda: lin(tx))
res["torch_quant_engine"] = torch.backends.quantized.engine
json.dump(res, sys.stdout)
print()
