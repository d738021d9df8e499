#!/usr/bin/env bash
# Package lora's training-step benchmark against PyTorch, back to back:
# one Adam step of a 784-512-512-10 MLP, batch 128, full fine-tuning vs LoRA
# (r = 1 and 8 on all three layers). Best of 3 on both sides; prints the
# table of BENCHMARKS.md's "## lora" section.
# Run from anywhere: bash scripts/bench/lora.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
go_out=$(go test -run '^$' -bench 'TrainStep' -benchtime 50x -count 3 ./lora)
py_out=$(/usr/bin/python3 scripts/bench/lora.py)
echo "$py_out" | grep '^#'
go_ms() { echo "$go_out" | awk -v b="BenchmarkTrainStep$1-" 'index($1, b) == 1 { ms = $3 / 1e6; if (best == "" || ms < best) best = ms } END { printf "%.2f", best }'; }
py_ms() { echo "$py_out" | awk -v n="$1" '$1 == n { print $2 }'; }
gf=$(go_ms Full); g1=$(go_ms LoRA1); g8=$(go_ms LoRA8)
pf=$(py_ms full); p1=$(py_ms lora_r1); p8=$(py_ms lora_r8)
echo "| step (784-512-512-10, batch 128, Adam) | mlprep ms | PyTorch ms | mlprep / PyTorch |"
echo "|---|---:|---:|---:|"
for row in "full fine-tuning:$gf:$pf" "LoRA r=1:$g1:$p1" "LoRA r=8:$g8:$p8"; do
	IFS=: read -r name g p <<<"$row"
	awk -v n="$name" -v g="$g" -v p="$p" 'BEGIN { printf "| %s | %.2f | %.2f | %.2f |\n", n, g, p, g / p }'
done
awk -v f="$gf" -v l="$g8" -v pf="$pf" -v pl="$p8" 'BEGIN { printf "| LoRA r=8 step / full step | %.2f | %.2f | |\n", l / f, pl / pf }'
