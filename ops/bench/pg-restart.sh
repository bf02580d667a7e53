#!/usr/bin/env bash
# Fault under load: the node's PostgreSQL crashes (immediate stop) mid-load and comes back after
# DOWN seconds, while clients keep sending and the node keeps delivering to a loopback sink.
# Expect: clients hear 250 or 451 only (never 5xx); every message that got 250 is delivered exactly
# once (lost=0); the node recovers without a restart (a second load after the outage gets 250s).
# usage: ops/bench/pg-restart.sh [MESSAGES=3000] [SESSIONS=20] [DOWN=8]
set -euo pipefail
messages=${1:-3000}; sessions=${2:-20}; down=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
[ -n "${SKIP_BUILD:-}" ] || node_build

bench_workdir pg-restart postgresql
node_env "$WORK/data"
node_journal postgresql
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ACTORMTA_JOURNAL_CONNECTION_STRING")
sink_port=$(free_port)
python3 "$here/sink.py" sink "$sink_port" "$WORK/delivered.txt" & BENCH_PIDS="$!"
cat >"$WORK/bench.conf" <<CONF
actormta.delivery.domains { "dest.example" { route = static, hosts = ["127.0.0.1:$sink_port"], tls = none } }
actormta.queue.retry { initial = 2s, max = 10s }
CONF
NODE_ARGS="--config $WORK/bench.conf"
node_start "$WORK/node.log"

python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions "$sessions" --messages "$messages" --size 2000 \
  --accepted "$WORK/accepted-1.txt" --timeout 60 >"$WORK/load-1.txt" &
load=$!; BENCH_PIDS="$BENCH_PIDS $load"
# The outage starts once a quarter of the load has been delivered, so it falls in the middle of it.
until [ "$(wc -l <"$WORK/delivered.txt" 2>/dev/null || echo 0)" -ge $((messages / 4)) ] || ! kill -0 $load 2>/dev/null; do sleep 0.2; done
echo "PostgreSQL down for ${down}s after $(wc -l <"$WORK/delivered.txt") deliveries"
"$here/postgres.sh" restart "$PG_DIR" "$pg_port" "$down"
wait $load || true
cat "$WORK/load-1.txt"

# Recovery without a node restart: once the node reports ready again (its journal probe writes), a fresh load.
until curl -sf -o /dev/null "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/health/ready"; do sleep 0.5; done
python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions 10 --messages 200 --size 2000 \
  --accepted "$WORK/accepted-2.txt" --timeout 60 | sed 's/^/after the outage: /'
cat "$WORK/accepted-1.txt" "$WORK/accepted-2.txt" >"$WORK/accepted.txt"

# Every 250 delivered, then a little longer for duplicates to show.
deadline=$((SECONDS + 300))
until python3 "$here/sink.py" check "$WORK/accepted.txt" "$WORK/delivered.txt" >/dev/null || [ $SECONDS -ge $deadline ]; do sleep 1; done
sleep 5
python3 "$here/sink.py" check "$WORK/accepted.txt" "$WORK/delivered.txt" || true
fivexx=$(cat "$WORK/load-1.txt" | grep -o '5xx=[0-9]*' || true)
echo "5xx replies during the outage run: ${fivexx:-5xx=0}; node still the same process: $(kill -0 "$NODE_PID" && echo yes)"
