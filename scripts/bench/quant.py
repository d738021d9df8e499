"""Peer timings for package quant: PyTorch 1.13's float32 nn.Linear and its
quantize_dynamic int8 Linear, 1024 -> 1024 at batch 1 and 64, on THREADS
threads (default 2). Prints one JSON object {name: seconds (best of N)};
scripts/bench/quant.sh feeds it to the Go side.

Run with Debian's python3 (torch 1.13) and OMP_NUM_THREADS set to THREADS by
the caller. CLOCK=cpu (with THREADS=1) times by the thread's CPU time, which
other processes on a shared machine do not inflate.
"""
import json
import os
import sys
import time
import warnings

import torch

warnings.filterwarnings("ignore")
THREADS = int(os.environ.get("THREADS", "2"))
torch.set_num_threads(THREADS)
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
CPU_CLOCK = os.environ.get("CLOCK", "wall") == "cpu"
if CPU_CLOCK and THREADS != 1:
    sys.exit("quant.py: CLOCK=cpu needs THREADS=1")
clock = time.thread_time if CPU_CLOCK else time.perf_counter


def best(f, min_time=0.05):
    """Best per-call time over REPEATS rounds of enough calls for min_time."""
    f()
    calls = 1
    while True:
        s = clock()
        for _ in range(calls):
            f()
        if clock() - s >= min_time or calls >= 1 << 16:
            break
        calls *= 2
    out = float("inf")
    for _ in range(REPEATS):
        s = clock()
        for _ in range(calls):
            f()
        out = min(out, (clock() - s) / calls)
    return out


torch.manual_seed(0)
torch.backends.quantized.engine = "onednn" if "onednn" in torch.backends.quantized.supported_engines else "qnnpack"
lin = torch.nn.Linear(1024, 1024)
qlin = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(lin), {torch.nn.Linear}, dtype=torch.qint8)
res = {"engine": torch.backends.quantized.engine, "torch": torch.__version__}
with torch.inference_mode():
    for batch in (1, 64):
        x = torch.rand(batch, 1024) * 2 - 1
        res[f"float32/{batch}"] = best(lambda: lin(x))
        res[f"int8_dynamic/{batch}"] = best(lambda: qlin(x))
json.dump(res, sys.stdout)
print()
