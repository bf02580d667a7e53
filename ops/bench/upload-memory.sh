#!/usr/bin/env bash
# Memory per upload: UPLOADS clients at once each send one message of BYTES to a node whose
# delivery is paused; reports the node's peak resident memory (VmHWM, and VmRSS sampled every
# 0.2 s while the load runs) and how many messages the queue holds (lost = sent - queued).
# The load is ops/bench/smtp_load.py (one shared body, unique Message-IDs; counts the 250s).
# usage: ops/bench/upload-memory.sh [sqlite|postgresql] [UPLOADS=500] [BYTES=10485760] [RUNS=1]
# SKIP_BUILD=1 uses the Release build as it is.
set -euo pipefail
provider=${1:-sqlite}; uploads=${2:-500}; bytes=${3:-10485760}; runs=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
[ -n "${SKIP_BUILD:-}" ] || node_build

bench_workdir upload-memory "$provider"
# Every upload in flight at once: the store writes 5 GB in the end, so give accepts time (a 451 is no loss, but it ends the upload early).
cat >"$WORK/bench.conf" <<CONF
actormta.queue.accept-timeout = 300s
actormta.smtp.max-connections-per-client = 10000
CONF
NODE_ARGS="--config $WORK/bench.conf"
peaks=()
for run in $(seq 1 "$runs"); do
  node_env_paused "$WORK/data-$run"
  node_journal "$provider"
  node_start "$WORK/node-$run.log"
  sampler_log=$WORK/rss-$run.txt
  ( while kill -0 "$NODE_PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' /proc/"$NODE_PID"/status 2>/dev/null || true; sleep 0.2; done ) >"$sampler_log" &
  sampler=$!; BENCH_PIDS="$sampler"
  t0=$(date +%s.%N)
  python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions "$uploads" --messages "$uploads" --size "$bytes" --accepted "$WORK/accepted-$run.txt"
  t1=$(date +%s.%N)
  accepted=$(wc -l <"$WORK/accepted-$run.txt")
  queued=$(node_queue_messages)
  hwm=$(awk '/VmHWM/ {print $2}' /proc/"$NODE_PID"/status)
  sampled=$(sort -n "$sampler_log" | tail -1)
  # Spool files go once their body is written (a store abandoned after a 451 still finishes or is skipped): up to 60 s.
  spool_files() { (find "$ACTORMTA_DATA_DIR/spool" -type f 2>/dev/null || true) | wc -l; }
  for _ in $(seq 1 300); do [ "$(spool_files)" = 0 ] && break; sleep 0.2; done
  spool=$(spool_files)
  echo "run $run: $uploads uploads of $bytes bytes in $(python3 -c "print(f'{$t1-$t0:.1f}')") s; accepted(250)=$accepted queued=$queued lost=$((accepted - queued)); peak RSS (VmHWM) ${hwm} kB = $((hwm / 1024)) MiB; highest sampled VmRSS ${sampled} kB; spool files left=$spool"
  grep -m1 -o "message not queued, client told 451: .*" "$WORK/node-$run.log" | cut -c1-300 || true
  peaks+=("$hwm")
  kill "$sampler" 2>/dev/null || true
  node_stop
  [ "$provider" = postgresql ] && "$here/postgres.sh" stop "$PG_DIR"
  [ "$spool" = 0 ] || ls -l "$ACTORMTA_DATA_DIR/spool" | head -5
  rm -rf "$ACTORMTA_DATA_DIR"
done
echo "median peak RSS over $runs run(s): $(printf '%s\n' "${peaks[@]}" | median) kB"
