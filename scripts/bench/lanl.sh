#!/usr/bin/env bash
# Throughput and memory of the lanl pipeline against gunzip and Python, in
# one command:
#
#   bash scripts/bench/lanl.sh
#
# 1. Generates a 50M-line auth.txt.gz (625 MB) under
#    ${LANL_BENCH_DIR:-/tmp/mlprep-lanl-bench} (never in the repository),
#    reused if present; the directory is deleted at the end unless LANL_KEEP=1.
# 2. Alternates, RUNS times (default 3), `gzip -dc file > /dev/null` and the
#    whole Go pipeline (`lanl_auth_triage rank`: read, baseline, score, graph
#    features, rank) on that file; reports best-of-RUNS wall and CPU times and
#    the ratio gzip wall / pipeline wall (>= 1: the pipeline keeps up).
# 3. Peak RSS of the pipeline on the first 10M and 25M lines and on all 50M.
# 4. The Python peers (scripts/bench/lanl_peer.py: plain Python and pandas),
#    best of RUNS, on the first PEER_LIMIT lines of the same file (default
#    10M; 0 = all): their rate does not grow with the file, so a prefix only
#    flatters them.
# The machine may be shared: ratios come from the same run, and CPU times are
# printed next to wall times.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${LANL_BENCH_DIR:-/tmp/mlprep-lanl-bench}
lines=${LANL_BENCH_LINES:-50000000}
runs=${RUNS:-3}
peer_limit=${PEER_LIMIT:-10000000}
py=/usr/bin/python3
mkdir -p "$dir"
bin="$dir/lanl_auth_triage"
go build -o "$bin" ./examples/lanl_auth_triage
auth="$dir/auth${lines}.txt.gz"
red="$dir/redteam${lines}.txt.gz"
if [ ! -s "$auth" ]; then
	echo "generating $auth (cached for later runs)"
	"$bin" -out "$dir" synth -lines "$lines" -users 20000 -computers 24000 -days 30 -campaigns 60 -seed 1 \
		-auth-out "$auth.tmp.gz" -redteam-out "$red"
	mv "$auth.tmp.gz" "$auth"
fi
ls -l "$auth"

best() { sort -g | head -1; }

gz_wall=(); gz_cpu=(); go_wall=(); go_cpu=()
for i in $(seq "$runs"); do
	read -r w u s < <( { /usr/bin/time -f "%e %U %S" gzip -dc "$auth" > /dev/null; } 2>&1 | tail -1)
	gz_wall+=("$w"); gz_cpu+=("$(echo "$u + $s" | bc)")
	out=$("$bin" -out "$dir/out" rank -auth "$auth" -train-days 3 -k 10 -progress=false)
	line=$(grep '^whole pipeline' <<<"$out")
	w=$(sed -E 's/.*lines, ([0-9.]+) s wall.*/\1/' <<<"$line")
	c=$(sed -E 's/.* ([0-9.]+) s CPU.*/\1/' <<<"$line")
	go_wall+=("$w"); go_cpu+=("$c")
	echo "round $i: gzip -dc ${gz_wall[-1]} s wall (${gz_cpu[-1]} s CPU); pipeline $w s wall ($c s CPU)"
done
n=$(grep -m1 '^whole pipeline' <<<"$out" | sed -E 's/.*: ([0-9]+) lines.*/\1/')
gzw=$(printf '%s\n' "${gz_wall[@]}" | best); gzc=$(printf '%s\n' "${gz_cpu[@]}" | best)
gow=$(printf '%s\n' "${go_wall[@]}" | best); goc=$(printf '%s\n' "${go_cpu[@]}" | best)

rss() { "$bin" -out "$dir/out" rank -auth "$auth" -train-days 3 -k 10 -progress=false -limit "$1" | grep '^whole pipeline' | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/'; }
rss10=$(rss 10000000); rss25=$(rss 25000000)
rss50=$("$bin" -out "$dir/out" rank -auth "$auth" -train-days 3 -k 10 -progress=false | grep '^whole pipeline' | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/')

peer() {
	local mode=$1 bw=inf bc=0 bn=0
	for i in $(seq "$runs"); do
		read -r _ pn pw pc _ < <("$py" scripts/bench/lanl_peer.py "$auth" --mode "$mode" --limit "$peer_limit")
		echo "  $mode run $i: $pn lines, $pw s wall, $pc s CPU" >&2
		if [ "$bw" = inf ] || (( $(echo "$pw < $bw" | bc) )); then bw=$pw; bc=$pc; bn=$pn; fi
	done
	echo "$bn $bw $bc"
}
read -r pn pw pc < <(peer plain)
read -r qn qw qc < <(peer pandas)

rate() { echo "scale=2; $1 / $2 / 1000000" | bc; }
echo
echo "| pass (best of $runs) | lines | wall s | CPU s | M lines/s (wall) | M lines/s (CPU) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| gzip -dc > /dev/null | $n | $gzw | $gzc | $(rate "$n" "$gzw") | $(rate "$n" "$gzc") |"
echo "| Go pipeline (read, baseline, score, graph, rank) | $n | $gow | $goc | $(rate "$n" "$gow") | $(rate "$n" "$goc") |"
echo "| Python plain (parse + first-seen pairs) | $pn | $pw | $pc | $(rate "$pn" "$pw") | $(rate "$pn" "$pc") |"
echo "| pandas read_csv (parse + first-seen pairs) | $qn | $qw | $qc | $(rate "$qn" "$qw") | $(rate "$qn" "$qc") |"
echo
goRate=$(echo "scale=6; $n / $gow" | bc)
echo "ratio gzip -dc wall / pipeline wall: $(echo "scale=2; $gzw / $gow" | bc) (target >= 1.0)"
fastest=$(echo "scale=6; p=$pn/$pw; q=$qn/$qw; if (p > q) p else q" | bc)
echo "ratio pipeline / fastest Python (lines/s, wall): $(echo "scale=1; $goRate / $fastest" | bc) (target >= 5)"
echo "peak RSS: 10M lines $rss10 MiB, 25M lines $rss25 MiB, 50M lines $rss50 MiB (target <= 1536 at 50M)"
if [ "${LANL_KEEP:-0}" != 1 ]; then rm -rf "$dir"; fi
