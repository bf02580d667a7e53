#!/usr/bin/env bash
# End-to-end relay throughput, ActorMta against Postfix on the same machine, in the same run:
#   smtp-source -> ActorMta (relay listener) -> smtp-sink     and     smtp-source -> Postfix -> smtp-sink
# 1 KB messages, 50 sessions, 20,000 messages, 5 runs each, alternating; prints every run, the
# median end-to-end msg/s of both and their ratio. Target: ActorMta >= 2x Postfix.
#
# usage: ops/bench/relay-vs-postfix.sh [RUNS] [MESSAGES] [SESSIONS] [BYTES]
# env:   BENCH_DIR   the shared peer scripts (relay_e2e.sh, postfix_peer.sh); default ../shared/bench
#        CONFIGURATION  Release (default) or Debug
# Needs: Debian's postfix package (smtp-source, smtp-sink, the Postfix peer), the .NET SDK, python3, curl.
# ActorMta runs with its defaults (SQLite journal, fsync'd) plus a static route for dest.example to
# the sink; every run starts from an empty data directory.
set -euo pipefail
runs=${1:-5}; messages=${2:-20000}; sessions=${3:-50}; bytes=${4:-1024}
repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH_DIR:-$(cd "$repo/../shared/bench" 2>/dev/null && pwd || true)}
configuration=${CONFIGURATION:-Release}
[ -x "$bench/relay_e2e.sh" ] || { echo "relay_e2e.sh not found: set BENCH_DIR to the shared bench scripts" >&2; exit 2; }
command -v smtp-source >/dev/null || { echo "smtp-source missing: apt-get install -y postfix" >&2; exit 2; }

amta_port=23525; amta_sink=23526; pf_port=22525; pf_sink=22526; mgmt_port=23558
work=$(mktemp -d /tmp/relay-vs-postfix.XXXXXX)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  "$bench/postfix_peer.sh" stop "$pf_port" "$pf_sink" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "building ActorMta ($configuration)..." >&2
dotnet build "$repo/src/ActorMta.Host" -c "$configuration" -v q -nologo >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; exit 1; }
host_dll="$repo/src/ActorMta.Host/bin/$configuration/net10.0/ActorMta.Host.dll"

. "$repo/ops/bench/node.sh"
sink_route_conf "$work/actormta.conf" "$amta_sink"

start_actormta() {
  local data="$work/data-$1"
  rm -rf "$data"; mkdir -p "$data"
  ACTORMTA_DATA_DIR="$data" ACTORMTA_SMTP_RELAY_PORT=$amta_port ACTORMTA_MANAGEMENT_PORT=$mgmt_port \
  ACTORMTA_CLUSTER_PORT=0 ACTORMTA_LOG_LEVEL=Warning \
    dotnet "$host_dll" --config "$work/actormta.conf" >"$work/node-$1.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$mgmt_port/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "ActorMta did not become ready; see $work/node-$1.log" >&2; tail -20 "$work/node-$1.log" >&2; exit 1
}

stop_actormta() {
  kill -TERM "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""
}

rate_of() { sed -n 's/.*e2e_rate=\([0-9]*\)\/s.*/\1/p'; }

amta_rates=(); pf_rates=()
for run in $(seq 1 "$runs"); do
  start_actormta "$run"
  line=$("$bench/relay_e2e.sh" $amta_port $amta_sink "$messages" "$sessions" "$bytes")
  stop_actormta
  echo "run $run ActorMta: $line"
  amta_rates+=("$(echo "$line" | rate_of)")

  "$bench/postfix_peer.sh" start $pf_port $pf_sink >/dev/null
  line=$("$bench/relay_e2e.sh" $pf_port $pf_sink "$messages" "$sessions" "$bytes")
  "$bench/postfix_peer.sh" stop $pf_port $pf_sink >/dev/null
  echo "run $run Postfix:  $line"
  pf_rates+=("$(echo "$line" | rate_of)")
done

python3 - "${amta_rates[*]}" "${pf_rates[*]}" "$messages" "$sessions" "$bytes" <<'PY'
import statistics, sys
amta = [float(x) for x in sys.argv[1].split()]
pf = [float(x) for x in sys.argv[2].split()]
a, p = statistics.median(amta), statistics.median(pf)
print(f"messages={sys.argv[3]} sessions={sys.argv[4]} bytes={sys.argv[5]} runs={len(amta)}")
print(f"ActorMta median e2e: {a:.0f} msg/s  (runs: {', '.join(f'{x:.0f}' for x in amta)})")
print(f"Postfix  median e2e: {p:.0f} msg/s  (runs: {', '.join(f'{x:.0f}' for x in pf)})")
print(f"ratio ActorMta/Postfix: {a / p:.2f} (target >= 2.00)")
PY
