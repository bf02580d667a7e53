#!/usr/bin/env bash
# Ingest throughput through SMTP with delivery paused: smtp-source -> ActorMta's relay listener.
# Every run starts a fresh node on a fresh journal. Prints each run and the median.
# usage: ops/bench/ingest.sh [sqlite|postgresql] [RUNS=5] [MESSAGES=20000] [SESSIONS=50] [BYTES=1024]
# Needs smtp-source (Debian package postfix); PostgreSQL runs use a private server (ops/bench/postgres.sh).
set -euo pipefail
provider=${1:-sqlite}; runs=${2:-5}; messages=${3:-20000}; sessions=${4:-50}; bytes=${5:-1024}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
node_build

bench_workdir ingest "$provider"

rates=()
for run in $(seq 1 "$runs"); do
  node_env_paused "$WORK/data-$run"
  node_journal "$provider"
  node_start "$WORK/node-$run.log"
  # Warm-up: JIT, journal tables, every partition recovered.
  smtp-source -s 10 -m 500 -l "$bytes" -d -f bench@src.example -t rcpt@dest.example 127.0.0.1:"$ACTORMTA_SMTP_RELAY_PORT"
  writes0=$(node_metric actormta_queue_journal_writes_total)
  t0=$(date +%s.%N)
  smtp-source -s "$sessions" -m "$messages" -l "$bytes" -d -N -f bench@src.example -t rcpt@dest.example 127.0.0.1:"$ACTORMTA_SMTP_RELAY_PORT"
  t1=$(date +%s.%N)
  writes1=$(node_metric actormta_queue_journal_writes_total)
  queued=$(node_queue_messages)
  rss=$(awk '/VmHWM/ {print $2}' /proc/"$NODE_PID"/status)
  node_stop
  read -r rate txs <<<"$(python3 -c "d=$t1-$t0; print(f'{$messages/d:.0f} {($writes1-$writes0)/d:.0f}')")"
  echo "run $run: provider=$provider messages=$messages sessions=$sessions bytes=$bytes msg/s=$rate journal-writes/s=$txs msgs-per-write=$(python3 -c "print(f'{$rate/max($txs,1):.1f}')") queued=$queued peak-rss-kB=$rss"
  [ "$queued" -ge "$((messages + 500))" ] || { echo "run $run: only $queued of $((messages + 500)) messages queued" >&2; exit 1; }
  rates+=("$rate")
done
echo "median msg/s ($provider, $runs runs): $(printf '%s\n' "${rates[@]}" | median)"
