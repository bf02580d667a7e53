#!/usr/bin/env bash
# Memory with a deep queue and recovery time: MESSAGES messages of BYTES queued with delivery
# paused; reports the node's resident memory, then restarts it and times until every partition
# has recovered and the queue API reports every message.
# usage: ops/bench/queue-memory.sh [sqlite|postgresql] [MESSAGES=200000] [BYTES=10240] [SESSIONS=50]
set -euo pipefail
provider=${1:-sqlite}; messages=${2:-200000}; bytes=${3:-10240}; sessions=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
node_build

bench_workdir memory "$provider"
node_env_paused "$WORK/data"
node_journal "$provider"

node_start "$WORK/node-1.log"
t0=$(date +%s.%N)
smtp-source -s "$sessions" -m "$messages" -l "$bytes" -d -N -f bench@src.example -t rcpt@dest.example 127.0.0.1:"$ACTORMTA_SMTP_RELAY_PORT"
t1=$(date +%s.%N)
queued=$(node_queue_messages)
rss=$(awk '/VmRSS/ {print $2}' /proc/"$NODE_PID"/status); hwm=$(awk '/VmHWM/ {print $2}' /proc/"$NODE_PID"/status)
heap=$(node_metric dotnet_gc_last_collection_heap_size_bytes)
echo "ingested $queued messages of $bytes bytes in $(python3 -c "print(f'{$t1-$t0:.1f}')") s; resident ${rss} kB now, peak ${hwm} kB; managed heap $(python3 -c "print(int(float('$heap') / 1024))") kB"
du -sh "$ACTORMTA_DATA_DIR" | awk '{print "data directory: " $1}'
node_stop

t2=$(date +%s.%N)
node_start "$WORK/node-2.log"
until [ "$(curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/queue" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["messages"] if not d["unansweredPartitions"] else -1)' 2>/dev/null || echo -1)" -ge "$queued" ]; do sleep 0.2; done
t3=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' /proc/"$NODE_PID"/status); hwm=$(awk '/VmHWM/ {print $2}' /proc/"$NODE_PID"/status)
heap=$(node_metric dotnet_gc_last_collection_heap_size_bytes)
echo "recovered $queued messages in $(python3 -c "print(f'{$t3-$t2:.1f}')") s from process start; resident ${rss} kB, peak ${hwm} kB; managed heap $(python3 -c "print(int(float('$heap') / 1024))") kB"
