#!/usr/bin/env bash
# PGD-10 over MNIST's 10,000 test images (784-512-512-10 MLP, ε = 0.1,
# step 0.01, random start): mlprep's adversarial.PGD against PyTorch 1.13 on
# 2 threads, back to back, best of 3 each. Needs ../shared/data/mnist or
# $MLPREP_DATA. Run from anywhere: bash scripts/bench/adversarial.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${MLPREP_DATA:-../shared/data}
[ -d "$data/mnist" ] || { echo "no MNIST under $data: set MLPREP_DATA" >&2; exit 1; }

go_best=$(GOMAXPROCS=2 go test -run '^$' -bench '^BenchmarkPGD10MNIST$' -benchtime 1x -count 3 ./adversarial/ |
	awk '/^BenchmarkPGD10MNIST/ { s = $3 / 1e9; if (best == "" || s < best) best = s } END { printf "%.3f", best }')
torch_best=$(/usr/bin/python3 scripts/bench/adversarial_peer.py --data "$data/mnist" --repeat 3)
ratio=$(awk -v g="$go_best" -v t="$torch_best" 'BEGIN { printf "%.2f", g / t }')

echo "PGD-10, 10,000 MNIST images, 784-512-512-10 MLP, best of 3 ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| implementation | time (s) | ratio to PyTorch |"
echo "|---|---|---|"
echo "| mlprep adversarial.PGD (Go, GOMAXPROCS=2) | $go_best | $ratio |"
echo "| PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') CPU, 2 threads | $torch_best | 1.00 |"
