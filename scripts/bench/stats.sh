#!/usr/bin/env bash
# BENCHMARKS.md "## stats": our resampling against SciPy 1.10 in the same run.
# Go: best of 3 runs of each benchmark in stats/bench_test.go (all CPUs),
# wall time and process CPU time per operation.
# SciPy: best of 3 runs of the same workload (scripts/bench/stats_peer.py).
# Usage: bash scripts/bench/stats.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
names="BootstrapBCaMean PermutationIndependent PermutationPaired"
bench="^Benchmark($(echo $names | tr ' ' '|'))\$"
go_out=$(go test -run '^$' -bench "$bench" -benchtime 5x -count 3 ./stats)
py_out=$(/usr/bin/python3 scripts/bench/stats_peer.py 3)
echo "| workload | mlprep wall (ms) | SciPy wall (ms) | speed-up | mlprep CPU (ms) | SciPy CPU (ms) | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
for name in $names; do
	read -r wall cpu < <(echo "$go_out" | awk -v n="Benchmark$name" '$1 ~ "^"n"(-[0-9]+)?$" {
		w = $3/1e6; c = $5/1e6
		if (bw == "" || w < bw) bw = w
		if (bc == "" || c < bc) bc = c
	} END {printf "%.1f %.1f\n", bw, bc}')
	read -r pwall pcpu < <(echo "$py_out" | awk -v n="$name" '$1==n {print $2, $3}')
	awk -v n="$name" -v w="$wall" -v c="$cpu" -v pw="$pwall" -v pc="$pcpu" \
		'BEGIN {printf "| %s | %.1f | %.1f | %.1f× | %.1f | %.1f | %.1f× |\n", n, w, pw, pw/w, c, pc, pc/c}'
done
echo
echo "$(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
