#!/usr/bin/env bash
# Fault under load: the file system of the node's data directory (SQLite journal and bodies) fills
# up mid-load and is freed FULL seconds later, while clients keep sending and the node delivers to a
# loopback sink. Expect: clients hear 250 or 451 only (never 5xx); every message that got 250 is
# delivered exactly once (lost=0); the node takes mail again once space returns, without a restart.
# Needs root (a small tmpfs is mounted as the data directory).
# usage: ops/bench/disk-full.sh [MESSAGES=3000] [SESSIONS=20] [FULL=10] [TMPFS_SIZE=300m]
set -euo pipefail
messages=${1:-3000}; sessions=${2:-20}; full=${3:-10}; size=${4:-300m}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then echo "skipped: mounting a small tmpfs as the data directory needs root"; exit 0; fi
. "$here/node.sh"
[ -n "${SKIP_BUILD:-}" ] || node_build

bench_workdir disk-full sqlite
mkdir -p "$WORK/data"
mount -t tmpfs -o size="$size",mode=0700 tmpfs "$WORK/data"
trap 'kill ${BENCH_PIDS:-} 2>/dev/null || true; node_stop 2>/dev/null || true; umount "$WORK/data" 2>/dev/null || true; rm -rf "$WORK"' EXIT
node_env "$WORK/data"
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
until [ "$(wc -l <"$WORK/delivered.txt" 2>/dev/null || echo 0)" -ge $((messages / 4)) ] || ! kill -0 $load 2>/dev/null; do sleep 0.2; done
dd if=/dev/zero of="$WORK/data/fill" bs=1M 2>/dev/null || true
echo "data directory full ($(df -h "$WORK/data" | awk 'NR==2 {print $3 " used of " $2}')) after $(wc -l <"$WORK/delivered.txt") deliveries; freed in ${full}s"
sleep "$full"
rm -f "$WORK/data/fill"
wait $load || true
cat "$WORK/load-1.txt"

until curl -sf -o /dev/null "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/health/ready"; do sleep 0.5; done
python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions 10 --messages 200 --size 2000 \
  --accepted "$WORK/accepted-2.txt" --timeout 60 | sed 's/^/after space returned: /'
cat "$WORK/accepted-1.txt" "$WORK/accepted-2.txt" >"$WORK/accepted.txt"

deadline=$((SECONDS + 300))
until python3 "$here/sink.py" check "$WORK/accepted.txt" "$WORK/delivered.txt" >/dev/null || [ $SECONDS -ge $deadline ]; do sleep 1; done
sleep 5
python3 "$here/sink.py" check "$WORK/accepted.txt" "$WORK/delivered.txt" || true
fivexx=$(grep -o '5xx=[0-9]*' "$WORK/load-1.txt" || true)
echo "5xx replies during the full-disk run: ${fivexx:-5xx=0}; node still the same process: $(kill -0 "$NODE_PID" && echo yes)"
grep -c "No space\|disk is full\|SQLITE_FULL" "$WORK/node.log" | sed 's/^/node log lines about the full disk: /' || true
