#!/usr/bin/env bash
# BENCHMARKS.md "## stats": our resampling against SciPy 1.10 in the same run.
# Go: best of 3 runs of each benchmark in stats/bench_test.go (all CPUs).
# SciPy: best of 3 runs of the same workload (scripts/bench/stats_peer.py).
# Usage: bash scripts/bench/stats.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bench='^Benchmark(BootstrapBCaMean|PermutationIndependent|PermutationPaired)$'
go_out=$(go test -run '^$' -bench "$bench" -benchtime 5x -count 3 ./stats)
py_out=$(/usr/bin/python3 scripts/bench/stats_peer.py 3)
echo "| workload | mlprep (ms) | SciPy 1.10 (ms) | speed-up |"
echo "|---|---|---|---|"
for name in BootstrapBCaMean PermutationIndependent PermutationPaired; do
	ours=$(echo "$go_out" | awk -v n="Benchmark$name" '$1 ~ "^"n"(-[0-9]+)?$" {ms=$3/1e6; if (best=="" || ms<best) best=ms} END {printf "%.1f", best}')
	peer=$(echo "$py_out" | awk -v n="$name" '$1==n {print $2}')
	ratio=$(awk -v a="$peer" -v b="$ours" 'BEGIN {printf "%.1f×", a/b}')
	echo "| $name | $ours | $peer | $ratio |"
done
echo
echo "GOMAXPROCS=$(nproc); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
