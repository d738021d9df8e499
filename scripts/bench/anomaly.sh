#!/usr/bin/env bash
# Package anomaly against scikit-learn 1.2's IsolationForest, in one run:
#   1. agreement: ROC AUC of Go and scikit-learn with the same hyper-parameters
#      (100 trees, max_samples 'auto') on the same matrices — NSL-KDD (fit on
#      KDDTrain+_20Percent, score KDDTest+, 20 seeds) and every ODDS set in
#      ../shared/data/odds (fit and score the whole set, 5 seeds);
#   2. speed and memory: fit + score of 100 trees, max_samples 256, on
#      1,000,000 x 10 uniform data, best of REPEATS runs each, both on 2 cores.
# Needs ../shared/data (or MLPREP_DATA) and Debian's /usr/bin/python3 with
# python3-sklearn. Usage: bash scripts/bench/anomaly.sh   (env: REPEATS=3,
# KDD_SEEDS=20, ODDS_SEEDS=5, SKIP_AGREE=1 or SKIP_SPEED=1 to run one half).
set -euo pipefail
cd "$(dirname "$0")/../.."
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/anomaly-bench" ./scripts/bench/anomaly

if [ -z "${SKIP_AGREE:-}" ]; then
	echo "## agreement (ROC AUC, computed with sklearn.metrics for both sides)"
	"$tmp/anomaly-bench" -mode agree -dir "$tmp/agree" -kdd-seeds "${KDD_SEEDS:-20}" -odds-seeds "${ODDS_SEEDS:-5}"
	"$py" scripts/bench/anomaly_peer.py agree "$tmp/agree"
	echo
fi

if [ -z "${SKIP_SPEED:-}" ]; then
	echo "## speed and memory"
	"$tmp/anomaly-bench" -mode speed -repeats "${REPEATS:-3}" >"$tmp/go.json"
	"$py" scripts/bench/anomaly_peer.py speed 1000000 "${REPEATS:-3}" >"$tmp/sk.json"
	"$py" scripts/bench/anomaly_peer.py speedtable "$tmp/go.json" "$tmp/sk.json"
fi
