#!/usr/bin/env bash
# cloud serving vs FastAPI + uvicorn: the same per-request work (a 256×256
# matrix-vector product and softmax on an Open Inference Protocol JSON body
# of 256 FP32 values), the same load (wrk, 2 threads, 64 connections), on
# loopback, alternating servers round by round; best of ROUNDS for each.
# Then example 10 as two processes pinned to different CPUs (server on
# SERVER_CPU, load generator on LOAD_CPU, GOMAXPROCS=1 each, so they do not
# compete for a core): concurrency sweep, dynamic batching on a 512×512 layer
# (batch ≤ 64 vs batch 1, JSON and binary-extension bodies, mean batch rows
# and server CPU per request from /metrics), overload at 2× capacity. Last,
# example 10's in-process lesson, for the drain under load.
#
#   bash scripts/bench/cloud.sh
#   ROUNDS=5 DURATION=20s CONNECTIONS=64 bash scripts/bench/cloud.sh
#   SERVER_CPU=2 LOAD_CPU=3 bash scripts/bench/cloud.sh    # on a larger machine
#
# Needs wrk and Debian's python3-fastapi and python3-uvicorn (uvloop and
# httptools are used when installed).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-64}
py=/usr/bin/python3
go_port=18080
py_port=18081
pinned_port=18082
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v taskset >/dev/null || { echo "cloud.sh: taskset is not installed (util-linux)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "cloud.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
$py -c 'import fastapi, uvicorn' 2>/dev/null || { echo "cloud.sh: apt-get install python3-fastapi python3-uvicorn" >&2; exit 1; }

go build -o "$tmp/ex10" ./examples/10_scalable_deployment_api
"$tmp/ex10" -serve 127.0.0.1:$go_port 2>"$tmp/go.log" &
pids+=($!)
$py scripts/bench/cloud_fastapi.py --port $py_port 2>"$tmp/py.log" &
pids+=($!)

ready() {
	for _ in $(seq 100); do
		$py -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "cloud.sh: $1 never became ready" >&2
	exit 1
}
ready http://127.0.0.1:$go_port/v2/health/ready
ready http://127.0.0.1:$py_port/v2/health/ready

cat >"$tmp/post.lua" <<'LUA'
local t = {}
for i = 0, 255 do t[#t + 1] = string.format("%.6g", math.sin(i)) end
wrk.method = "POST"
wrk.body = '{"inputs":[{"name":"x","shape":[1,256],"datatype":"FP32","data":[' .. table.concat(t, ",") .. ']}]}'
wrk.headers["Content-Type"] = "application/json"
LUA

# run_wrk URL → "req/s p99_ms non2xx errors"
run_wrk() {
	wrk -t2 -c"$conns" -d"$duration" --latency -s "$tmp/post.lua" "$1" | awk '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/^ +99%/ { p99 = ms($2) }
		/^Requests\/sec/ { rps = $2 }
		/Non-2xx/ { bad = $NF }
		/Socket errors/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
		END { printf "%s %.2f %d %d\n", rps, p99, bad, err }'
}

best() { awk -v a="$1" -v b="$2" -v dir="$3" 'BEGIN { if (a == "") print b; else if (dir == "max") print (b > a ? b : a); else print (b < a ? b : a) }'; }
go_rps="" go_p99="" py_rps="" py_p99=""
: >"$tmp/ratios"
for r in $(seq "$rounds"); do
	read -r grps gp99 bad err < <(run_wrk http://127.0.0.1:$go_port/v2/models/linear/infer)
	echo "round $r: go      ${grps} req/s, p99 ${gp99} ms, non-2xx ${bad}, socket errors ${err}" >&2
	go_rps=$(best "$go_rps" "$grps" max); go_p99=$(best "$go_p99" "$gp99" min)
	read -r prps pp99 bad err < <(run_wrk http://127.0.0.1:$py_port/v2/models/linear/infer)
	echo "round $r: fastapi ${prps} req/s, p99 ${pp99} ms, non-2xx ${bad}, socket errors ${err}" >&2
	py_rps=$(best "$py_rps" "$prps" max); py_p99=$(best "$py_p99" "$pp99" min)
	awk -v a="$grps" -v b="$prps" -v c="$gp99" -v d="$pp99" 'BEGIN { printf "%.2f %.2f\n", a / b, d / c }' >>"$tmp/ratios"
done

echo
echo "## 256×256 matvec + softmax per request, wrk -t2 -c$conns -d$duration, best of $rounds"
echo
echo "| server | req/s | p99 ms |"
echo "|---|---:|---:|"
echo "| mlprep cloud (Go) | $go_rps | $go_p99 |"
echo "| FastAPI + uvicorn | $py_rps | $py_p99 |"
awk -v a="$go_rps" -v b="$py_rps" -v c="$go_p99" -v d="$py_p99" 'BEGIN { printf "| ratio of the bests | %.1f× throughput | p99 %.1f× lower |\n", a / b, d / c }'
# The machine's load changes between windows; the ratio within each round
# (the two servers measured back to back) is steadier. Median over rounds:
sort -n -k1,1 "$tmp/ratios" | awk '{ a[NR] = $1 } END { printf "| median of per-round ratios | %.1f× throughput |", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
sort -n -k2,2 "$tmp/ratios" | awk '{ a[NR] = $2 } END { printf " p99 %.1f× lower |\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'

for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
echo
echo "## example 10, server (CPU $server_cpu) and load generator (CPU $load_cpu) in separate pinned processes"
echo
GOMAXPROCS=1 taskset -c "$server_cpu" "$tmp/ex10" -serve 127.0.0.1:$pinned_port 2>"$tmp/pinned.log" &
pids+=($!)
ready http://127.0.0.1:$pinned_port/v2/health/ready
GOMAXPROCS=1 taskset -c "$load_cpu" "$tmp/ex10" -load 127.0.0.1:$pinned_port -out "$tmp/out-pinned"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

echo
echo "## example 10 in one process (generator and server share the cores): drain under load"
echo
"$tmp/ex10" -out "$tmp/out"
