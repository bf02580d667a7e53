#!/usr/bin/env bash
# End-to-end relay throughput, ActorMta against Postfix on the same machine, in the same run:
#   smtp-source -> ActorMta (relay listener) -> smtp-sink     and     smtp-source -> Postfix -> smtp-sink
# 50 sessions, 20,000 messages of 1 KB, 5 runs by default; every run measures each contestant once,
# alternating. Prints every run, the medians and the ratios.
#
# usage: ops/bench/relay-vs-postfix.sh [--direct] [--ingest] [--against REV] [--warm N] [RUNS] [MESSAGES] [SESSIONS] [BYTES]
#   --direct       also measure the load generator's own ceiling (smtp-source straight into smtp-sink)
#   --ingest       also measure this node's ingest rate: the same load with delivery paused
#   --against REV  also measure ActorMta built from commit REV (a temporary worktree), e.g. a starting point
#   --warm N       relay N messages through each ActorMta build (ingest: accept N) before the timed ones, so that
#                  the figures are a running node's rather than a fresh process's (JIT, first connections). They go
#                  to warm.example, whose own sink stays up through the run (a sink that went away would look to the
#                  node like a failing host). Postfix, native code, is not warmed. Default 0: start-up is in every figure.
# env:   BENCH_DIR   the shared peer scripts (relay_e2e.sh, postfix_peer.sh, direct_limit.sh); default ../shared/bench
#        CONFIGURATION  Release (default) or Debug
# Needs: Debian's postfix package (smtp-source, smtp-sink, the Postfix peer), the .NET SDK, python3, curl, git.
# ActorMta runs with its defaults (SQLite journal, fsync'd) plus a static route for dest.example to
# the sink; every run starts from an empty data directory.
set -euo pipefail
direct=0; ingest=0; against=""; warm=0
while [ $# -gt 0 ]; do
  case $1 in
    --direct) direct=1; shift ;;
    --ingest) ingest=1; shift ;;
    --against) against=$2; shift 2 ;;
    --warm) warm=$2; shift 2 ;;
    *) break ;;
  esac
done
runs=${1:-5}; messages=${2:-20000}; sessions=${3:-50}; bytes=${4:-1024}
repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH_DIR:-$(cd "$repo/../shared/bench" 2>/dev/null && pwd || true)}
configuration=${CONFIGURATION:-Release}
[ -x "$bench/relay_e2e.sh" ] || { echo "relay_e2e.sh not found: set BENCH_DIR to the shared bench scripts" >&2; exit 2; }
command -v smtp-source >/dev/null || { echo "smtp-source missing: apt-get install -y postfix" >&2; exit 2; }

amta_port=23525; amta_sink=23526; pf_port=22525; pf_sink=22526; mgmt_port=23558; warm_sink=23527
work=$(mktemp -d /tmp/relay-vs-postfix.XXXXXX)
node_pid=""; against_tree=""; warm_sink_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$warm_sink_pid" ] && kill "$warm_sink_pid" 2>/dev/null || true
  rm -rf "$work"/data-*   # the journals; the logs stay for a look
  "$bench/postfix_peer.sh" stop "$pf_port" "$pf_sink" >/dev/null 2>&1 || true
  [ -n "$against_tree" ] && git -C "$repo" worktree remove --force "$against_tree" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build() { # build SOURCE_TREE -> prints the host dll
  dotnet build "$1/src/ActorMta.Host" -c "$configuration" -v q -nologo >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; exit 1; }
  echo "$1/src/ActorMta.Host/bin/$configuration/net10.0/ActorMta.Host.dll"
}
echo "building ActorMta ($configuration)..." >&2
host_dll=$(build "$repo")
if [ -n "$against" ]; then
  against_tree="$work/against"
  git -C "$repo" worktree add --detach "$against_tree" "$against" >/dev/null 2>&1
  echo "building ActorMta at $against..." >&2
  against_dll=$(build "$against_tree")
fi

. "$repo/ops/bench/node.sh"
sink_route_conf "$work/actormta.conf" "$amta_sink"
[ "$warm" -eq 0 ] || cat >>"$work/actormta.conf" <<CONF
actormta.delivery.domains."warm.example" { route = static, hosts = ["127.0.0.1:$warm_sink"], tls = none, max-connections = 50 }
CONF

start_actormta() { # start_actormta DLL NAME [env...]
  local dll=$1 name=$2 data="$work/data-$2"; shift 2
  rm -rf "$data"; mkdir -p "$data"
  env "$@" ACTORMTA_DATA_DIR="$data" ACTORMTA_SMTP_RELAY_PORT=$amta_port ACTORMTA_MANAGEMENT_PORT=$mgmt_port \
  ACTORMTA_CLUSTER_PORT=0 ACTORMTA_LOG_LEVEL=Warning \
    dotnet "$dll" --config "$work/actormta.conf" >"$work/node-$name.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$mgmt_port/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "ActorMta did not become ready; see $work/node-$name.log" >&2; tail -20 "$work/node-$name.log" >&2; exit 1
}

stop_actormta() {
  kill -TERM "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""
  if [ -n "$warm_sink_pid" ]; then kill "$warm_sink_pid" 2>/dev/null; wait "$warm_sink_pid" 2>/dev/null || true; warm_sink_pid=""; fi
}

rate_of() { sed -n 's/.*e2e_rate=\([0-9]*\)\/s.*/\1/p'; }
warm_up() { # relays $warm messages to warm.example and waits until the node has delivered them all
  [ "$warm" -gt 0 ] || return 0
  smtp-sink -u postfix -m 512 127.0.0.1:$warm_sink 1024 & warm_sink_pid=$!
  smtp-source -s "$sessions" -m "$warm" -l "$bytes" -d -N -f sender@bench.example -t rcpt@warm.example 127.0.0.1:$amta_port
  until [ "$(curl -sf "http://127.0.0.1:$mgmt_port/metrics" | awk '/^actormta_queue_recipients_delivered(_total)?[ {]/ {s += $NF} END {print s + 0}')" -ge "$warm" ]; do sleep 0.1; done
}
relay_run() { # relay_run DLL NAME -> one relay_e2e line
  start_actormta "$1" "$2"
  warm_up
  local line; line=$("$bench/relay_e2e.sh" $amta_port $amta_sink "$messages" "$sessions" "$bytes")
  stop_actormta; echo "$line"
}

amta_rates=(); pf_rates=(); against_rates=(); direct_rates=(); ingest_rates=()
for run in $(seq 1 "$runs"); do
  line=$(relay_run "$host_dll" "$run"); echo "run $run ActorMta: $line"
  amta_rates+=("$(echo "$line" | rate_of)")

  if [ -n "$against" ]; then
    line=$(relay_run "$against_dll" "against-$run"); echo "run $run ActorMta@$against: $line"
    against_rates+=("$(echo "$line" | rate_of)")
  fi

  "$bench/postfix_peer.sh" start $pf_port $pf_sink >/dev/null
  line=$("$bench/relay_e2e.sh" $pf_port $pf_sink "$messages" "$sessions" "$bytes")
  "$bench/postfix_peer.sh" stop $pf_port $pf_sink >/dev/null
  echo "run $run Postfix:  $line"
  pf_rates+=("$(echo "$line" | rate_of)")

  if [ "$direct" = 1 ]; then
    line=$("$bench/direct_limit.sh" "$messages" "$sessions" "$bytes"); echo "run $run direct:   $line"
    direct_rates+=("$(echo "$line" | sed -n 's/.*direct_rate=\([0-9]*\)\/s.*/\1/p')")
  fi

  if [ "$ingest" = 1 ]; then
    # The same load into the same node with delivery paused: what accepting alone can carry.
    start_actormta "$host_dll" "ingest-$run" ACTORMTA_DELIVERY_PAUSED=on
    [ "$warm" -eq 0 ] || smtp-source -s "$sessions" -m "$warm" -l "$bytes" -d -N -f sender@bench.example -t rcpt@dest.example 127.0.0.1:$amta_port
    t0=$(date +%s.%N)
    smtp-source -s "$sessions" -m "$messages" -l "$bytes" -d -N -f sender@bench.example -t rcpt@dest.example 127.0.0.1:$amta_port
    t1=$(date +%s.%N)
    stop_actormta
    rate=$(python3 -c "print(f'{$messages/($t1-$t0):.0f}')"); echo "run $run ingest:   ingest_rate=$rate/s (delivery paused)"
    ingest_rates+=("$rate")
  fi
done

python3 - "$messages" "$sessions" "$bytes" "$against" "$warm" "${amta_rates[*]}" "${pf_rates[*]}" "${against_rates[*]:-}" "${direct_rates[*]:-}" "${ingest_rates[*]:-}" <<'PY'
import statistics, sys
messages, sessions, size, against, warm = sys.argv[1:6]
series = lambda s: [float(x) for x in s.split()]
amta, pf, base, direct, ingest = (series(s) for s in sys.argv[6:11])
def line(name, xs):
    print(f"{name:<22} median {statistics.median(xs):>7.0f} msg/s  (runs: {', '.join(f'{x:.0f}' for x in xs)})")
a = statistics.median(amta)
print(f"messages={messages} sessions={sessions} bytes={size} runs={len(amta)} warm-up={warm}")
line("ActorMta e2e", amta)
line("Postfix e2e", pf)
if base: line(f"ActorMta@{against} e2e", base)
if direct: line("direct ceiling", direct)
if ingest: line("ActorMta ingest", ingest)
print(f"ratio ActorMta/Postfix: {a / statistics.median(pf):.2f}")
if base: print(f"ratio ActorMta/ActorMta@{against}: {a / statistics.median(base):.2f}")
if direct: print(f"ratio ActorMta/direct ceiling: {a / statistics.median(direct):.2f}")
if ingest: print(f"ratio ActorMta e2e/ingest: {a / statistics.median(ingest):.2f}")
PY
