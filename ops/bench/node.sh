#!/usr/bin/env bash
# Helpers for benchmark scripts: build the host once (Release), start a node in the background
# with ACTORMTA_* settings from the environment, wait until ready, read a metric, stop it.
# Source it: . ops/bench/node.sh
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOST_DLL=${HOST_DLL:-$BENCH_ROOT/src/ActorMta.Host/bin/Release/net10.0/ActorMta.Host.dll}

node_build() { (cd "$BENCH_ROOT" && dotnet build -c Release src/ActorMta.Host -v q -nologo >/dev/null); }

# bench_workdir NAME PROVIDER: a temp directory in WORK (PG_DIR in it for a private PostgreSQL);
# on exit the node, that server and any BENCH_PIDS (load tools) stop and the directory goes.
bench_workdir() {
  WORK=$(mktemp -d "/tmp/actormta-$1.XXXXXX"); PG_DIR=$WORK/pg; BENCH_PROVIDER=$2
  trap 'kill ${BENCH_PIDS:-} 2>/dev/null || true; node_stop 2>/dev/null || true; [ "$BENCH_PROVIDER" = postgresql ] && "$BENCH_ROOT/ops/bench/postgres.sh" stop "$PG_DIR"; rm -rf "$WORK"' EXIT
  trap 'exit 143' INT TERM   # so that a stopped benchmark still cleans up
}

# node_env_paused DATA_DIR: settings for a node that only queues (delivery paused), on free loopback ports.
node_env_paused() { node_env "$1"; export ACTORMTA_DELIVERY_PAUSED=on; }

# node_env DATA_DIR: settings for a node that delivers, on free loopback ports.
node_env() {
  export ACTORMTA_DATA_DIR=$1 ACTORMTA_DELIVERY_PAUSED=off ACTORMTA_LOG_LEVEL=Warning ACTORMTA_CLUSTER_PORT=0
  export ACTORMTA_MANAGEMENT_PORT=$(free_port) ACTORMTA_SMTP_RELAY_PORT=$(free_port)
  export ACTORMTA_SMTP_SUBMISSION_PORT=$(free_port) ACTORMTA_SMTP_SMTPS_PORT=$(free_port)
}

# node_journal PROVIDER: for postgresql, a fresh private server in PG_DIR and the node's journal on it.
node_journal() {
  [ "$1" = postgresql ] || return 0
  "$BENCH_ROOT/ops/bench/postgres.sh" stop "$PG_DIR"
  export ACTORMTA_JOURNAL_PROVIDER=postgresql
  ACTORMTA_JOURNAL_CONNECTION_STRING=$("$BENCH_ROOT/ops/bench/postgres.sh" start "$PG_DIR" "$(free_port)"); export ACTORMTA_JOURNAL_CONNECTION_STRING
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# node_start LOGFILE: starts the node with the current ACTORMTA_* environment; sets NODE_PID and adds it to NODE_PIDS.
NODE_PIDS=()
node_start() {
  dotnet "$HOST_DLL" ${NODE_ARGS:-} >"$1" 2>&1 & NODE_PID=$!; NODE_PIDS+=("$NODE_PID")
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/health/ready"; then return 0; fi
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node exited: $(tail -5 "$1")" >&2; return 1; }
    sleep 0.2
  done
  echo "node not ready: $(tail -5 "$1")" >&2; return 1
}

# node_stop: SIGTERM to every node started (a fleet leaves the cluster together); SIGKILL after 60 s.
node_stop() {
  local pid deadline=$((SECONDS + 60))
  for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  NODE_PIDS=()
}

# node_metric NAME: a Prometheus counter/gauge on the node's /metrics, summed over its label sets (0 if absent).
# Counters are NAME_total (OpenTelemetry); every sample carries an otel_scope_name label.
node_metric() {
  curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/metrics" | awk -v n="$1" '{m=$1; sub(/\{.*/, "", m)} m==n {v+=$2} END {printf "%.17g\n", v+0}'
}

# node_queue_messages: how many messages the queue holds.
node_queue_messages() {
  curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/queue" | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"])'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# sink_route_conf FILE SINK_PORT: the configuration for relaying to a sink (relay-vs-postfix.sh, accept-latency.sh):
# everything for dest.example goes to 127.0.0.1:SINK_PORT, as Postfix's relayhost does; only the relay listener.
sink_route_conf() {
  cat >"$1" <<CONF
# Written by ops/bench/node.sh (sink_route_conf): everything for dest.example goes to the sink.
actormta.delivery.domains."dest.example" {
  route = static
  hosts = ["127.0.0.1:$2"]
  tls = none
  # Postfix's peer runs default_destination_concurrency_limit = 50.
  max-connections = 50
}
actormta.smtp.listeners.submission.enabled = off
actormta.smtp.listeners.smtps.enabled = off
# The Postfix peer runs no postscreen: no pre-greeting wait here either.
actormta.smtp.listeners.relay.pregreet-wait = 0s
CONF
  # EXTRA_CONF: more HOCON for an A/B run, e.g. EXTRA_CONF='actormta.queue.recent-bodies = 0'
  if [ -n "${EXTRA_CONF:-}" ]; then printf '%s\n' "$EXTRA_CONF" >>"$1"; fi
}
