#!/usr/bin/env bash
# Reproduces the internal/kernels section of BENCHMARKS.md: numpy/OpenBLAS and
# PyTorch (2 threads) then our kernels (GOMAXPROCS=2), best of REPEATS rounds
# each, one table of ratios. Usage: bash scripts/bench/kernels.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-out/bench}
repeats=${REPEATS:-3}
mkdir -p "$out"
echo "== peers: numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')" >&2
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 /usr/bin/python3 scripts/bench/kernels.py "$repeats" > "$out/peer.json"
echo "== internal/kernels" >&2
GOMAXPROCS=2 go run ./scripts/bench/kernels -peer "$out/peer.json" -out "$out" -repeats "$repeats"
