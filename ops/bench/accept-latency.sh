#!/usr/bin/env bash
# Accept latency at half of peak load: the time from writing the final "\r\n.\r\n" of DATA to reading
# the 250, per message, measured by our own load generator (tests/ActorMta.Benchmarks, accept-latency).
# Each run: a fresh node (default SQLite journal, fsync'd; delivery on, dest.example routed statically to
# smtp-sink as in relay-vs-postfix.sh) takes the closed loop (every session as fast as it can) for the
# peak accepted rate; then another fresh node takes an open loop at half that rate. Prints every run
# and the medians of peak, p50 and p99 across runs. Target (issue 12): p99 under 20 ms.
# usage: ops/bench/accept-latency.sh [RUNS=3] [SESSIONS=50] [BYTES=1024] [SECONDS=20]
# env:   EXTRA_CONF (HOCON appended to the node's config), HOST_DLL (another build of the node), WARMUP (s, default 3), RECONNECT (messages per connection, 0: never),
#        CSV_DIR (keep every open-loop sample there, one CSV per run)
# Needs smtp-sink (Debian package postfix), the .NET SDK, python3, curl.
set -euo pipefail
runs=${1:-3}; sessions=${2:-50}; bytes=${3:-1024}; duration=${4:-20}
warmup=${WARMUP:-3}; reconnect=${RECONNECT:-0}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
command -v smtp-sink >/dev/null || { echo "smtp-sink missing: apt-get install -y postfix" >&2; exit 2; }

echo "building the node and the load generator (Release)..." >&2
(cd "$BENCH_ROOT" && dotnet build -c Release tests/ActorMta.Benchmarks -v q -nologo >/dev/null)
generator="$BENCH_ROOT/tests/ActorMta.Benchmarks/bin/Release/net10.0/ActorMta.Benchmarks.dll"

bench_workdir accept-latency sqlite
sink_port=$(free_port)
sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u postfix)
smtp-sink "${sink_user[@]}" 127.0.0.1:"$sink_port" 1024 >"$WORK/sink.log" 2>&1 & BENCH_PIDS="${BENCH_PIDS:-} $!"
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$sink_port") 2>/dev/null && break; sleep 0.1; done

sink_route_conf "$WORK/actormta.conf" "$sink_port"
export NODE_ARGS="--config $WORK/actormta.conf"

# generate NAME MODE...: a fresh node, the load generator against it, the node stopped; the generator's lines go to
# $WORK/NAME.out (not through a subshell, so that the exit trap knows the node).
generate() {
  local name=$1; shift
  node_env "$WORK/data-$name"
  node_start "$WORK/node-$name.log"
  dotnet "$generator" accept-latency --port "$ACTORMTA_SMTP_RELAY_PORT" --sessions "$sessions" --bytes "$bytes" \
    --seconds "$duration" --warmup "$warmup" --reconnect "$reconnect" "$@" >"$WORK/$name.out" || { cat "$WORK/$name.out" >&2; exit 1; }
  # Delivery was on: how many recipients reached the sink by the end (warm-up included).
  echo "  delivered-by-end=$(curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/metrics" \
    | awk '/^actormta_delivery_attempts_total\{/ && /outcome="delivered"/ {v+=$2} END {printf "%d", v}')" >>"$WORK/$name.out"
  node_stop
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | head -1; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
peaks=(); p50s=(); p99s=()
for run in $(seq 1 "$runs"); do
  generate "peak-$run" --peak; peak_out=$(cat "$WORK/peak-$run.out")
  echo "run $run peak: $peak_out"
  peak=$(echo "$peak_out" | field achieved)
  half=$(python3 -c "print(f'{$peak / 2:.1f}')")
  csv=(); [ -n "${CSV_DIR:-}" ] && mkdir -p "$CSV_DIR" && csv=(--csv "$CSV_DIR/accept-latency-run-$run.csv")
  generate "open-$run" --rate "$half" "${csv[@]}"; open_out=$(cat "$WORK/open-$run.out")
  echo "run $run open at half of peak: $open_out"
  peaks+=("$peak"); p50s+=("$(echo "$open_out" | field p50)"); p99s+=("$(echo "$open_out" | field p99)")
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
p99=$(printf '%s\n' "${p99s[@]}" | median)
echo "median over $runs runs (sessions=$sessions bytes=$bytes seconds=$duration): peak $(printf '%s\n' "${peaks[@]}" | median) msg/s;" \
  "at half of peak: p50 $(printf '%s\n' "${p50s[@]}" | median) ms, p99 $p99 ms" \
  "(target p99 < 20 ms: $(python3 -c "print('met' if $p99 < 20 else 'NOT met')"))"
