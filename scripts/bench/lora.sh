#!/usr/bin/env bash
# Package lora's training-step benchmark against PyTorch, back to back:
# one Adam step of a 784-512-512-10 MLP, batch 128, full fine-tuning vs LoRA
# (r = 1 and 8 on all three layers), then one Adam step of a transformer
# encoder block, full vs LoRA on q and v. Best of 3 on both sides; prints the
# tables of BENCHMARKS.md's "## lora" section.
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

# One Adam step of a transformer encoder block (E 256, 4 heads, FF 1024,
# batch 8 x 64 tokens), full vs LoRA r=8 on q and v only, one thread on both
# sides; Go and PyTorch alternate for 3 rounds, best round counts.
echo
go_attn=""; py_attn=""
for _ in 1 2 3; do
	go_attn+=$(go test -run '^$' -bench 'AttentionStep' -benchtime 10x -count 1 -cpu 1 ./lora)$'\n'
	py_attn+=$(/usr/bin/python3 scripts/bench/lora_attention.py 1)$'\n'
done
echo "$py_attn" | grep '^#' | head -1
attn_go_ms() { echo "$go_attn" | awk -v b="BenchmarkAttentionStep$1" '$1 == b { ms = $3 / 1e6; if (best == "" || ms < best) best = ms } END { printf "%.2f", best }'; }
attn_py_ms() { echo "$py_attn" | awk -v n="$1" '$1 == n { if (best == "" || $2 < best) best = $2 } END { printf "%.2f", best }'; }
af=$(attn_go_ms Full); a8=$(attn_go_ms LoRA8)
paf=$(attn_py_ms attn_full); pa8=$(attn_py_ms attn_lora_r8)
echo "| step (encoder block E=256, 8×64 tokens, Adam, 1 thread) | mlprep ms | PyTorch ms | mlprep / PyTorch |"
echo "|---|---:|---:|---:|"
for row in "full fine-tuning:$af:$paf" "LoRA r=8 on q, v:$a8:$pa8"; do
	IFS=: read -r name g p <<<"$row"
	awk -v n="$name" -v g="$g" -v p="$p" 'BEGIN { printf "| %s | %.2f | %.2f | %.2f |\n", n, g, p, g / p }'
done
awk -v f="$af" -v l="$a8" -v pf="$paf" -v pl="$pa8" 'BEGIN { printf "| LoRA step / full step | %.2f | %.2f | |\n", l / f, pl / pf }'
