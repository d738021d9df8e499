#!/usr/bin/env bash
# Reproduces the attention table of BENCHMARKS.md in one run: our MultiHead
# forward (batch 8, d_model 512, 8 heads, seq 128/512/1024, best of 3) and the
# memory-efficient kernel at seq 8192 (batch 1, three fresh processes, peak
# RSS from /proc VmHWM), then PyTorch 1.13's nn.MultiheadAttention on the same
# shapes with torch.set_num_threads(2), and prints the table with ratios.
# Run from anywhere: bash scripts/bench/attention.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go test -c -o "$tmp/attention.test" ./attention
echo "== Go: MultiHead forward, batch 8 (best of 3)" >&2
"$tmp/attention.test" -test.run '^$' -test.bench '^BenchmarkMultiHeadForward$' -test.count 3 | tee "$tmp/go.txt" >&2
echo "== Go: seq 8192, batch 1, tiled kernel (3 fresh processes)" >&2
for _ in 1 2 3; do
	"$tmp/attention.test" -test.run '^$' -test.bench '^BenchmarkLongSequence$' -test.benchtime 1x | tee -a "$tmp/go.txt" >&2
done
/usr/bin/python3 scripts/bench/attention.py --go "$tmp/go.txt"
