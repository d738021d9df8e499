#!/usr/bin/python3
"""PyTorch peer for the attention benchmark; prints the BENCHMARKS.md table.

Called by scripts/bench/attention.sh with --go FILE (our `go test -bench`
output). Times nn.MultiheadAttention(512, 8, batch_first=True) in eval mode
under torch.no_grad() with need_weights=False (its fast path) on self-attention
inputs, torch.set_num_threads(2), float32: batch 8 at seq 128/512/1024 (one
warm-up call, best of 3), and batch 1 at seq 8192 in three fresh processes
(--long), each reporting one timed call after a warm-up and the process's peak
RSS (VmHWM).
"""
import argparse
import re
import subprocess
import sys
import time

SEQS = (128, 512, 1024)
LONG = 8192


def vm(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MiB
    return float("nan")


def model():
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    return torch, torch.nn.MultiheadAttention(512, 8, batch_first=True).eval()


def forward_time(torch, m, x):
    with torch.no_grad():
        t = time.perf_counter()
        m(x, x, x, need_weights=False)
        return time.perf_counter() - t


def torch_speed():
    torch, m = model()
    best = {}
    for n in SEQS:
        x = torch.randn(8, n, 512)
        forward_time(torch, m, x)
        best[n] = min(forward_time(torch, m, x) for _ in range(3))
    return best


def torch_long():
    torch, m = model()
    x = torch.randn(1, LONG, 512)
    base = vm("VmRSS")
    forward_time(torch, m, x)
    t = forward_time(torch, m, x)
    print(f"{t} {vm('VmHWM')} {base}")


def parse_go(path):
    speed, long_t, long_rss = {}, [], []
    for line in open(path):
        m = re.match(r"BenchmarkMultiHeadForward/kernel=(\w+)/seq=(\d+)-\d+\s+\d+\s+([\d.]+) ns/op", line)
        if m:
            key = (m.group(1), int(m.group(2)))
            speed[key] = min(speed.get(key, float("inf")), float(m.group(3)) / 1e9)
        m = re.match(r"BenchmarkLongSequence-\d+\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) peak-RSS-MiB", line)
        if m:
            long_t.append(float(m.group(1)) / 1e9)
            long_rss.append(float(m.group(2)))
    return speed, long_t, long_rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go")
    ap.add_argument("--long", action="store_true", help="internal: one seq-8192 measurement")
    args = ap.parse_args()
    if args.long:
        torch_long()
        return
    speed, go_long_t, go_long_rss = parse_go(args.go)
    print("== PyTorch: batch 8 (best of 3), then seq 8192 in 3 fresh processes", file=sys.stderr)
    torch_t = torch_speed()
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, __file__, "--long"], check=True, capture_output=True, text=True)
        runs.append([float(v) for v in out.stdout.split()])
    t_long = min(r[0] for r in runs)
    rss_long = max(r[1] for r in runs)
    base_long = min(r[2] for r in runs)

    print()
    print("| shape (d_model 512, 8 heads) | ours, tiled (auto) | ours, plain | PyTorch 1.13 | ratio ours/PyTorch | target |")
    print("|---|---|---|---|---|---|")
    targets = {128: "≤ 1.0×", 512: "≤ 0.7×", 1024: "≤ 0.7×"}
    for n in SEQS:
        tiled, plain = speed.get(("tiled", n)), speed.get(("plain", n))
        print(f"| batch 8, seq {n}, forward | {tiled*1e3:.1f} ms | {plain*1e3:.1f} ms | {torch_t[n]*1e3:.1f} ms "
              f"| {tiled/torch_t[n]:.2f}× | {targets[n]} |")
    gt, gr = min(go_long_t), max(go_long_rss)
    print(f"| batch 1, seq {LONG}, forward time | {gt:.2f} s | — | {t_long:.2f} s | {gt/t_long:.2f}× | ≤ 1.0× |")
    print(f"| batch 1, seq {LONG}, peak RSS of the process | {gr:.0f} MiB | — | {rss_long:.0f} MiB "
          f"(of which {base_long:.0f} MiB before the call) | {gr/rss_long:.3f}× | ≤ 0.25× |")


if __name__ == "__main__":
    main()
