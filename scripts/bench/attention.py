#!/usr/bin/python3
"""PyTorch peer for the attention benchmark; prints the BENCHMARKS.md table.

Called by scripts/bench/attention.sh with --go FILE (our `go test -bench`
output, with wall ns/op and cpu-ms/op). Times nn.MultiheadAttention(512, 8,
batch_first=True) in eval mode under torch.no_grad() with need_weights=False
(its fast path) on self-attention inputs, torch.set_num_threads(2), float32:
batch 8 at seq 128/512/1024 (one warm-up call, best of 3), and batch 1 at seq
8192 in three fresh processes (--long), each reporting one timed call after a
warm-up and the process's peak RSS (VmHWM). Both wall-clock time and process
CPU time (all threads) are measured: on a shared machine the CPU-time ratio is
the steadier of the two.
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
    """Returns the wall and CPU seconds of one forward call."""
    with torch.no_grad():
        w, c = time.perf_counter(), time.process_time()
        m(x, x, x, need_weights=False)
        return time.perf_counter() - w, time.process_time() - c


def best(times):
    return min(t[0] for t in times), min(t[1] for t in times)


def torch_speed():
    torch, m = model()
    out = {}
    for n in SEQS:
        x = torch.randn(8, n, 512)
        forward_time(torch, m, x)
        out[n] = best([forward_time(torch, m, x) for _ in range(3)])
    return out


def torch_long():
    torch, m = model()
    x = torch.randn(1, LONG, 512)
    base = vm("VmRSS")
    forward_time(torch, m, x)
    wall, cpu = forward_time(torch, m, x)
    print(f"{wall} {cpu} {vm('VmHWM')} {base}")


def parse_go(path):
    """Returns {(kernel, seq): (wall s, cpu s)} and the seq-8192 runs as (wall s, cpu s, peak MiB)."""
    runs, long_runs = {}, []
    num = r"([\d.]+)"
    for line in open(path):
        m = re.match(rf"BenchmarkMultiHeadForward/kernel=(\w+)/seq=(\d+)-\d+\s+\d+\s+{num} ns/op\s+{num} cpu-ms/op", line)
        if m:
            runs.setdefault((m.group(1), int(m.group(2))), []).append((float(m.group(3)) / 1e9, float(m.group(4)) / 1e3))
        m = re.match(rf"BenchmarkLongSequence-\d+\s+\d+\s+{num} ns/op\s+{num} cpu-ms/op\s+{num} peak-RSS-MiB", line)
        if m:
            long_runs.append((float(m.group(1)) / 1e9, float(m.group(2)) / 1e3, float(m.group(3))))
    return {k: best(v) for k, v in runs.items()}, long_runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go")
    ap.add_argument("--long", action="store_true", help="internal: one seq-8192 measurement")
    args = ap.parse_args()
    if args.long:
        torch_long()
        return
    speed, go_long = parse_go(args.go)
    print("== PyTorch: batch 8 (best of 3), then seq 8192 in 3 fresh processes", file=sys.stderr)
    torch_t = torch_speed()
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, __file__, "--long"], check=True, capture_output=True, text=True)
        runs.append([float(v) for v in out.stdout.split()])
    t_long = best(runs)
    rss_long = max(r[2] for r in runs)
    base_long = min(r[3] for r in runs)

    def ms(s):
        return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"

    print()
    print("| forward, d_model 512, 8 heads | ours: tiled (auto) / plain, wall | PyTorch 1.13, wall | ratio, wall "
          "| ours (auto), CPU | PyTorch, CPU | ratio, CPU | target |")
    print("|---|---|---|---|---|---|---|---|")
    targets = {128: "≤ 1.0×", 512: "≤ 0.7×", 1024: "≤ 0.7×"}
    for n in SEQS:
        tiled, plain, peer = speed[("tiled", n)], speed[("plain", n)], torch_t[n]
        print(f"| batch 8, seq {n} | {ms(tiled[0])} / {ms(plain[0])} | {ms(peer[0])} | {tiled[0] / peer[0]:.2f}× "
              f"| {ms(tiled[1])} | {ms(peer[1])} | {tiled[1] / peer[1]:.2f}× | {targets[n]} |")
    gw, gc = best(go_long)
    gr = max(r[2] for r in go_long)
    print(f"| batch 1, seq {LONG} (tiled) | {ms(gw)} | {ms(t_long[0])} | {gw / t_long[0]:.2f}× "
          f"| {ms(gc)} | {ms(t_long[1])} | {gc / t_long[1]:.2f}× | ≤ 1.0× |")
    print()
    print("| batch 1, seq 8192, peak RSS of the process | ours (tiled) | PyTorch 1.13 | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| VmHWM, max of 3 fresh processes | {gr:.0f} MiB | {rss_long:.0f} MiB ({base_long:.0f} MiB before the call) "
          f"| {gr / rss_long:.3f}× | ≤ 0.25× |")


if __name__ == "__main__":
    main()
