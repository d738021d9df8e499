#!/usr/bin/env bash
# Reproduces the attention table of BENCHMARKS.md in one run: our MultiHead
# forward (batch 8, d_model 512, 8 heads, seq 128/512/1024, best of 3) and the
# memory-efficient kernel at seq 8192 (batch 1, peak RSS from /proc VmHWM),
# against PyTorch 1.13's nn.MultiheadAttention with torch.set_num_threads(2).
# Go and PyTorch alternate shape by shape (and process by process at seq 8192)
# so that a change in the machine's load hits both sides alike.
# Run from anywhere: bash scripts/bench/attention.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
peer="/usr/bin/python3 scripts/bench/attention.py"

go test -c -o "$tmp/attention.test" ./attention
: >"$tmp/go.txt"
: >"$tmp/torch.txt"
for n in 128 512 1024; do
	echo "== seq $n: Go (both kernels, best of 3), then PyTorch (best of 3)" >&2
	"$tmp/attention.test" -test.run '^$' -test.bench "^BenchmarkMultiHeadForward\$/^kernel=(tiled|plain)\$/^seq=$n\$" -test.count 3 |
		tee -a "$tmp/go.txt" >&2
	$peer --speed "$n" | tee -a "$tmp/torch.txt" >&2
done
for i in 1 2 3; do
	echo "== seq 8192, batch 1: fresh Go process, then fresh PyTorch process ($i of 3)" >&2
	"$tmp/attention.test" -test.run '^$' -test.bench '^BenchmarkLongSequence$' -test.benchtime 1x | tee -a "$tmp/go.txt" >&2
	$peer --long | tee -a "$tmp/torch.txt" >&2
done
$peer --table "$tmp/go.txt" "$tmp/torch.txt"
