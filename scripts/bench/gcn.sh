#!/usr/bin/env bash
# gcn vs PyTorch 1.13: the two-layer GCN of Kipf & Welling on Cora.
#
#   bash scripts/bench/gcn.sh              # speed (best of 3 each), peak RSS, accuracy over 10 seeds
#   ROUNDS=5 SEEDS=100 bash scripts/bench/gcn.sh
#
# Speed: 200 training epochs with the per-epoch validation pass and early
# stopping off, Go (BenchmarkTrainCora, one goroutine) and the torch reference
# (scripts/bench/gcn.py: sparse features with dropout on the non-zeros,
# torch.sparse.mm, one thread) alternating round by round so that both see the
# same machine load; the best round of each is reported. Peak RSS is the
# maximum resident set of the whole example-12 run on Cora (one seed) and of
# the torch script. Accuracy is the mean ± std test accuracy on the Planetoid
# split over seeds 0…SEEDS−1, early stopping on. Needs ../shared/data/cora
# (or $MLPREP_DATA) and Debian's /usr/bin/python3 with torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
seeds=${SEEDS:-10}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go test -c -o "$tmp/gcn.test" ./gcn
go build -o "$tmp/ex12" ./examples/12_graph_neural_network_intro

go_best=inf
torch_best=inf
for r in $(seq "$rounds"); do
	ns=$(cd gcn && "$tmp/gcn.test" -test.run '^$' -test.bench '^BenchmarkTrainCora$' -test.benchtime 1x |
		awk '/^BenchmarkTrainCora/ {print $3}')
	[ -n "$ns" ] || { echo "BenchmarkTrainCora did not run (is Cora in ../shared/data?)" >&2; exit 1; }
	go_s=$(awk -v ns="$ns" 'BEGIN {printf "%.3f", ns / 1e9}')
	torch_s=$($py scripts/bench/gcn.py --time 1 | $py -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["train_200_epochs_s"])')
	echo "round $r: go ${go_s}s, torch ${torch_s}s" >&2
	go_best=$(awk -v a="$go_best" -v b="$go_s" 'BEGIN {print (b < a || a == "inf") ? b : a}')
	torch_best=$(awk -v a="$torch_best" -v b="$torch_s" 'BEGIN {print (b < a || a == "inf") ? b : a}')
done

go_rss=$( { /usr/bin/time -f '%M' "$tmp/ex12" -seeds 1 -out "$tmp/out" >/dev/null 2>"$tmp/ex12.err"; } 2>&1; tail -1 "$tmp/ex12.err")
torch_rss=$( { /usr/bin/time -f '%M' $py scripts/bench/gcn.py --time 1 >/dev/null 2>"$tmp/py.err"; } 2>&1; tail -1 "$tmp/py.err")

go_acc=$(cd gcn && "$tmp/gcn.test" -test.run '^TestCoraPlanetoidAccuracy$' -test.v -gcn.seeds "$seeds" |
	sed -n 's/.*test accuracy \([0-9.]* ± [0-9.]*\)%.*/\1/p')
torch_acc=$($py scripts/bench/gcn.py --seeds "$seeds" |
	$py -c 'import json,sys; d=json.load(sys.stdin); print("%.2f ± %.2f" % (100*d["test_acc_mean"], 100*d["test_acc_std"]))')

echo
echo "| Cora, two-layer GCN | mlprep/gcn (Go) | PyTorch 1.13 (1 thread) | ratio |"
echo "|---|---|---|---|"
awk -v g="$go_best" -v t="$torch_best" -v r="$rounds" 'BEGIN {printf "| 200 epochs, best of %d | %.3f s | %.3f s | %.1f× faster |\n", r, g, t, t / g}'
awk -v g="$go_rss" -v t="$torch_rss" 'BEGIN {printf "| peak RSS | %.0f MB | %.0f MB | |\n", g / 1024, t / 1024}'
echo "| test accuracy, $seeds seeds | ${go_acc}% | ${torch_acc}% | |"
