#!/usr/bin/python3
"""PyTorch peer for the attention benchmark, and the BENCHMARKS.md table.

scripts/bench/attention.sh calls it between the Go benchmarks:
  --speed N   times nn.MultiheadAttention(512, 8, batch_first=True) on batch 8,
              seq N: one warm-up call, best of 3; prints "speed N wall cpu".
  --long      one fresh process at batch 1, seq 8192: a warm-up call, one timed
              call, and the peak RSS (VmHWM); prints "long wall cpu peak base".
  --table GO TORCH  reads our `go test -bench` output (ns/op, cpu-ms/op,
              peak-RSS-MiB) and the lines above and prints the tables.
PyTorch runs in eval mode under torch.no_grad() with need_weights=False (its
native fast path), self-attention inputs, torch.set_num_threads(2), float32.
Wall-clock and process CPU time (all threads) are both measured: on a shared
machine the CPU-time ratio is the steadier of the two.
"""
import argparse
import re
import time

SEQS = (128, 512, 1024)
LONG = 8192
TARGETS = {128: "≤ 1.0×", 512: "≤ 0.7×", 1024: "≤ 0.7×"}


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


def speed(n):
    torch, m = model()
    x = torch.randn(8, n, 512)
    forward_time(torch, m, x)
    wall, cpu = best([forward_time(torch, m, x) for _ in range(3)])
    print(f"speed {n} {wall} {cpu}")


def long():
    torch, m = model()
    x = torch.randn(1, LONG, 512)
    base = vm("VmRSS")
    forward_time(torch, m, x)
    wall, cpu = forward_time(torch, m, x)
    print(f"long {wall} {cpu} {vm('VmHWM')} {base}")


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


def parse_torch(path):
    speeds, long_runs = {}, []
    for line in open(path):
        f = line.split()
        if f and f[0] == "speed":
            speeds[int(f[1])] = (float(f[2]), float(f[3]))
        elif f and f[0] == "long":
            long_runs.append(tuple(float(v) for v in f[1:]))
    return speeds, long_runs


def ms(s):
    return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def table(go_path, torch_path):
    ours, go_long = parse_go(go_path)
    peer, torch_long = parse_torch(torch_path)
    print()
    print("| forward, d_model 512, 8 heads | ours: tiled (auto) / plain, wall | PyTorch 1.13, wall | ratio, wall "
          "| ours (auto), CPU | PyTorch, CPU | ratio, CPU | target |")
    print("|---|---|---|---|---|---|---|---|")
    for n in SEQS:
        tiled, plain, p = ours[("tiled", n)], ours[("plain", n)], peer[n]
        print(f"| batch 8, seq {n} | {ms(tiled[0])} / {ms(plain[0])} | {ms(p[0])} | {tiled[0] / p[0]:.2f}× "
              f"| {ms(tiled[1])} | {ms(p[1])} | {tiled[1] / p[1]:.2f}× | {TARGETS[n]} |")
    gw, gc = best(go_long)
    tw, tc = best(torch_long)
    print(f"| batch 1, seq {LONG} (tiled) | {ms(gw)} | {ms(tw)} | {gw / tw:.2f}× "
          f"| {ms(gc)} | {ms(tc)} | {gc / tc:.2f}× | ≤ 1.0× |")
    gr, tr = max(r[2] for r in go_long), max(r[2] for r in torch_long)
    base = min(r[3] for r in torch_long)
    print()
    print(f"| batch 1, seq {LONG}, peak RSS of the process | ours (tiled) | PyTorch 1.13 | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| VmHWM, max of 3 fresh processes | {gr:.0f} MiB | {tr:.0f} MiB ({base:.0f} MiB before the call) "
          f"| {gr / tr:.3f}× | ≤ 0.25× |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed", type=int)
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--table", nargs=2, metavar=("GO", "TORCH"))
    args = ap.parse_args()
    if args.speed:
        speed(args.speed)
    elif args.long:
        long()
    elif args.table:
        table(*args.table)
    else:
        ap.error("one of --speed, --long, --table")


if __name__ == "__main__":
    main()
