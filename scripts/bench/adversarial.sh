#!/usr/bin/env bash
# PGD-10 over MNIST's 10,000 test images (784-512-512-10 MLP, ε = 0.1,
# step 0.01, random start): mlprep's adversarial.PGD against PyTorch 1.13 on
# 2 threads. The two alternate three times (so a change in machine load hits
# both) and the best time of each is reported. Needs ../shared/data/mnist or
# $MLPREP_DATA. Run from anywhere: bash scripts/bench/adversarial.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${MLPREP_DATA:-../shared/data}
[ -d "$data/mnist" ] || { echo "no MNIST under $data: set MLPREP_DATA" >&2; exit 1; }

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go test -c -o "$bin/adversarial.test" ./adversarial/

go_best="" torch_best=""
for round in 1 2 3; do
	# From the module root, internal/datasets finds ../shared/data (or $MLPREP_DATA).
	g=$(GOMAXPROCS=2 "$bin/adversarial.test" -test.run '^$' -test.bench '^BenchmarkPGD10MNIST$' -test.benchtime 1x |
		awk '/^BenchmarkPGD10MNIST/ { printf "%.3f", $3 / 1e9 }')
	t=$(/usr/bin/python3 scripts/bench/adversarial_peer.py --data "$data/mnist" --repeat 1)
	echo "round $round: Go ${g}s, PyTorch ${t}s" >&2
	go_best=$(awk -v a="$go_best" -v b="$g" 'BEGIN { print (a == "" || b < a) ? b : a }')
	torch_best=$(awk -v a="$torch_best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
done
ratio=$(awk -v g="$go_best" -v t="$torch_best" 'BEGIN { printf "%.2f", g / t }')

echo "PGD-10, 10,000 MNIST images, 784-512-512-10 MLP, best of 3 alternating rounds ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| implementation | time (s) | ratio to PyTorch |"
echo "|---|---|---|"
echo "| mlprep adversarial.PGD (Go, GOMAXPROCS=2) | $go_best | $ratio |"
echo "| PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') CPU, 2 threads | $torch_best | 1.00 |"
