#!/usr/bin/env bash
# Vector-search benchmark for package rag: rag.Flat (exact), rag.HNSW and
# chromem-go on 100,000 × 384 vectors, then numpy exact search on the same
# vectors (Debian's python3-numpy), in one run. Extra arguments go to ragbench (e.g. -n 20000).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go run ./scripts/bench/ragbench -dir "$dir" "$@"
dim=384
for a in "$@"; do case $a in -dim=*) dim=${a#-dim=};; esac; done
/usr/bin/python3 scripts/bench/rag_numpy.py "$dir" "$dim"
