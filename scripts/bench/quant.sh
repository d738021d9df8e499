#!/usr/bin/env bash
# Reproduces the quant section of BENCHMARKS.md: PyTorch 1.13's float32 and
# quantize_dynamic Linear, then our float32 Linear (internal/nn Dense) and int8
# Linear (quant, dynamic and static), 1024 -> 1024 at batch 1 and 64, on
# THREADS threads each (default 2), best of REPEATS rounds each (default 5).
# CLOCK=cpu (with THREADS=1) times both sides by thread CPU time instead of
# wall time, the robust choice when other jobs share the machine.
# Usage: [THREADS=1 [CLOCK=cpu]] [REPEATS=5] bash scripts/bench/quant.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${REPEATS:-5}
threads=${THREADS:-2}
clock=${CLOCK:-wall}
export THREADS=$threads CLOCK=$clock
peer=$(mktemp)
trap 'rm -f "$peer"' EXIT
echo "== peer: torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null), $threads thread(s), $clock clock" >&2
OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads /usr/bin/python3 scripts/bench/quant.py "$repeats" 2>/dev/null > "$peer"
echo "== quant" >&2
GOMAXPROCS=$threads go run ./scripts/bench/quant -peer "$peer" -repeats "$repeats" -clock "$clock"
