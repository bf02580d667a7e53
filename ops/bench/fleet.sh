#!/usr/bin/env bash
# Fleet throughput on one machine: N nodes (seed = the first) sharing one private PostgreSQL journal,
#   smtp-source (one per destination domain, spread over the nodes) -> ActorMta relay listeners -> smtp-sink
# for each N, RUNS runs on a fresh journal. End to end: from the first connection until the fleet has
# recorded every message completed (delivered to the sink). Prints every run with the database cost per message
# (journal writes, events per write, PostgreSQL commits and WAL fsyncs, connections) and a median table.
# usage: ops/bench/fleet.sh [RUNS=3] [MESSAGES=20000] [SESSIONS=48] [BYTES=1024] [NODES="1 2 3"] [DOMAINS=6]
# The load is the same for every N: DOMAINS domains, MESSAGES/DOMAINS messages and SESSIONS/DOMAINS
# sessions each (every domain has one delivery actor in the fleet, so one domain would not spread).
# Needs smtp-source/smtp-sink (Debian package postfix) and PostgreSQL 15's binaries.
set -euo pipefail
runs=${1:-3}; messages=${2:-20000}; sessions=${3:-48}; bytes=${4:-1024}; counts=${5:-"1 2 3"}; domains=${6:-6}
per_domain=$((messages / domains)); messages=$((per_domain * domains))
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
node_build
bench_workdir fleet postgresql
sink_port=$(free_port)
psql() { /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc "$1"; }

cat >"$WORK/fleet.conf" <<CONF
# Every bench domain (d1.dest.example ...) goes to the one sink, without TLS or a pre-greeting wait.
actormta.delivery.domains."*.dest.example" { route = static, hosts = ["127.0.0.1:$sink_port"], tls = none }
actormta.smtp.listeners.relay.pregreet-wait = 0s
CONF
export NODE_ARGS="--config $WORK/fleet.conf"
# Loopback bench without certificates: plain TCP must be asked for once nodes have seeds (README, Security).
export ACTORMTA_CLUSTER_INSECURE=on

# fleet_start N RUN: a fresh journal and N nodes; sets MGMT_PORTS and RELAY_PORTS.
fleet_start() {
  node_journal postgresql
  PG_PORT=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$ACTORMTA_JOURNAL_CONNECTION_STRING")
  local seed_port; seed_port=$(free_port); MGMT_PORTS=(); RELAY_PORTS=()
  export ACTORMTA_SEED_NODES=akka.tcp://actormta@127.0.0.1:$seed_port
  for i in $(seq 1 "$1"); do
    node_env "$WORK/data-$2-$i"
    export ACTORMTA_CLUSTER_PORT; ACTORMTA_CLUSTER_PORT=$([ "$i" = 1 ] && echo "$seed_port" || free_port)
    node_start "$WORK/node-$2-$i.log"
    MGMT_PORTS+=("$ACTORMTA_MANAGEMENT_PORT"); RELAY_PORTS+=("$ACTORMTA_SMTP_RELAY_PORT")
  done
  # Sharding moves partitions to joining nodes in rounds (every 10 s, 6 at a time); each node's intake feeds
  # the partitions it hosts. Start the load once every node hosts some (GET /cluster/shards/queue-partition).
  local port deadline=$((SECONDS + 90))
  for port in "${MGMT_PORTS[@]}"; do
    until curl -sf "http://127.0.0.1:$port/cluster/shards/queue-partition" | grep -q shardId; do
      [ "$SECONDS" -lt "$deadline" ] || { echo "node on $port hosts no partition after 90 s" >&2; return 1; }
      sleep 0.5
    done
  done
}

# fleet_metric NAME: the sum over the nodes.
fleet_metric() {
  local port
  for port in "${MGMT_PORTS[@]}"; do curl -sf "http://127.0.0.1:$port/metrics"; done | awk -v n="$1" '{m=$1; sub(/\{.*/, "", m)} m==n {v+=$2} END {printf "%.17g\n", v+0}'
}

# wait_completed COUNT [SECONDS=300]: until the fleet has recorded COUNT messages completed (delivered
# to the sink, the last event written); fails after SECONDS.
wait_completed() {
  local deadline=$((SECONDS + ${2:-300}))
  until [ "$(fleet_metric actormta_queue_messages_completed_total)" -ge "$1" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "only $(fleet_metric actormta_queue_messages_completed_total) of $1 messages completed" >&2; return 1; }
    sleep 0.1
  done
}

# send COUNT: COUNT messages spread over the domains, each domain's smtp-source on one node, in turn.
send() {
  local n=$(($1 / domains)) d pids=()
  for d in $(seq 1 "$domains"); do
    smtp-source -s "$(( (sessions + domains - 1) / domains ))" -m "$n" -l "$bytes" -d -N -f bench@src.example \
      -t "rcpt@d$d.dest.example" 127.0.0.1:"${RELAY_PORTS[$(( (d - 1) % ${#RELAY_PORTS[@]} ))]}" & pids+=($!)
  done
  for d in "${pids[@]}"; do wait "$d"; done
}

results=$WORK/results
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $counts; do
  for run in $(seq 1 "$runs"); do
    fleet_start "$n" "$run"
    # One sink for the whole run (a sink that exits leaves the pooled connections dead).
    smtp-sink -u postfix -m 512 127.0.0.1:"$sink_port" 1024 & sink_pid=$!; BENCH_PIDS=$sink_pid
    warm=$((domains * 100))
    send "$warm"; wait_completed "$warm"   # JIT, journal tables, partitions and delivery actors started
    a0=$(fleet_metric actormta_queue_messages_accepted_total); w0=$(fleet_metric actormta_queue_journal_writes_total); e0=$(fleet_metric actormta_queue_events_written_total)
    read -r c0 s0 <<<"$(psql "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'), (SELECT wal_sync FROM pg_stat_wal)" | tr '|' ' ')"
    t0=$(date +%s.%N)
    # A message still unfinished after 120 s is reported (stuck=) and the run's rate is not valid.
    send "$messages"; wait_completed "$((warm + messages))" 120 || true
    secs=$(python3 -c "print($(date +%s.%N) - $t0)")
    stuck=$((warm + messages - $(fleet_metric actormta_queue_messages_completed_total)))
    kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true
    sleep 1.5   # PostgreSQL publishes a backend's statistics within a second
    a1=$(fleet_metric actormta_queue_messages_accepted_total); w1=$(fleet_metric actormta_queue_journal_writes_total); e1=$(fleet_metric actormta_queue_events_written_total)
    read -r c1 s1 conns <<<"$(psql "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'), (SELECT wal_sync FROM pg_stat_wal), (SELECT count(*) - 1 FROM pg_stat_activity WHERE backend_type = 'client backend')" | tr '|' ' ')"
    node_stop
    python3 - "$n" "$run" "$messages" "$secs" "$a1" "$a0" "$w1" "$w0" "$e1" "$e0" "$c1" "$c0" "$s1" "$s0" "$conns" "$stuck" <<'PY' | tee -a "$results"
import sys
n, run, m = sys.argv[1], sys.argv[2], int(sys.argv[3]); secs = float(sys.argv[4])
a1, a0, w1, w0, e1, e0, c1, c0, s1, s0 = map(float, sys.argv[5:15]); conns, stuck = int(sys.argv[15]), int(sys.argv[16])
acc = a1 - a0
print(f"nodes={n} run={run} msg/s={m / secs:.0f} accepted={acc:.0f} journal-writes/msg={(w1 - w0) / acc:.3f} "
      f"events/write={(e1 - e0) / max(w1 - w0, 1):.1f} events/msg={(e1 - e0) / acc:.2f} pg-commits/msg={(c1 - c0) / acc:.3f} "
      f"wal-fsyncs/msg={(s1 - s0) / acc:.3f} pg-connections={conns} stuck={stuck}")
PY
  done
done

echo "median of $runs runs; $messages messages of $bytes bytes, $sessions sessions over $domains domains; $(nproc) cores shared by all nodes, PostgreSQL and the load; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=") for kv in line.split())
    rows.setdefault(f["nodes"], []).append(f)
keys = ["msg/s", "journal-writes/msg", "events/write", "pg-commits/msg", "wal-fsyncs/msg", "pg-connections", "stuck"]
print("| nodes | " + " | ".join(keys) + " |")
print("|---" * (len(keys) + 1) + "|")
for n, fs in rows.items():
    print(f"| {n} | " + " | ".join(f"{statistics.median(float(f[k]) for f in fs):g}" for k in keys) + " |")
PY
