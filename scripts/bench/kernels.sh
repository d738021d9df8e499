#!/usr/bin/env bash
# Reproduces the internal/kernels section of BENCHMARKS.md: numpy/OpenBLAS and
# PyTorch then our kernels, on THREADS threads each (default 2), best of
# REPEATS rounds each (default 3), one table of ratios and a PNG of the sweep.
# CLOCK=cpu (with THREADS=1) times both sides by thread CPU time instead of
# wall time, the robust choice when other jobs share the machine.
# Usage: [THREADS=1 [CLOCK=cpu]] [REPEATS=5] bash scripts/bench/kernels.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-out/bench}
repeats=${REPEATS:-3}
threads=${THREADS:-2}
clock=${CLOCK:-wall}
export THREADS=$threads CLOCK=$clock
mkdir -p "$out"
echo "== peers: numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')" >&2
OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads /usr/bin/python3 scripts/bench/kernels.py "$repeats" > "$out/peer.json"
echo "== internal/kernels" >&2
GOMAXPROCS=$threads go run ./scripts/bench/kernels -peer "$out/peer.json" -out "$out" -repeats "$repeats" -clock "$clock"
