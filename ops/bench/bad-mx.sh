#!/usr/bin/env bash
# Fault under load: two bad MXes on loopback, one that accepts TCP and never greets (hung.example)
# and one that answers one octet per second (slow.example), beside a healthy one (good.example, a
# sink). With short delivery timeouts the bad ones time out and back off, and good.example keeps its
# pace: its deliveries/s with the bad domains loaded is printed beside its deliveries/s alone.
# Every good.example message that got 250 is delivered exactly once (lost=0).
# usage: ops/bench/bad-mx.sh [GOOD_MESSAGES=2000] [BAD_MESSAGES=200]
set -euo pipefail
good=${1:-2000}; bad=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
[ -n "${SKIP_BUILD:-}" ] || node_build

bench_workdir bad-mx sqlite
node_env "$WORK/data"
sink_port=$(free_port); hung_port=$(free_port); slow_port=$(free_port)
python3 "$here/sink.py" sink "$sink_port" "$WORK/delivered.txt" & BENCH_PIDS="$!"
python3 "$here/sink.py" silent "$hung_port" & BENCH_PIDS="$BENCH_PIDS $!"
python3 "$here/sink.py" slow "$slow_port" & BENCH_PIDS="$BENCH_PIDS $!"
cat >"$WORK/bench.conf" <<CONF
actormta.delivery.domains {
  "good.example" { route = static, hosts = ["127.0.0.1:$sink_port"], tls = none }
  "hung.example" { route = static, hosts = ["127.0.0.1:$hung_port"], tls = none }
  "slow.example" { route = static, hosts = ["127.0.0.1:$slow_port"], tls = none }
}
actormta.delivery.timeouts { connect = 2s, greeting = 3s, command = 3s, data-initiation = 3s, data-block = 3s, data-termination = 10s }
actormta.queue.retry { initial = 5s, max = 30s }
CONF
NODE_ARGS="--config $WORK/bench.conf"
node_start "$WORK/node.log"

# good.example's deliveries per second between its first and last delivery in a phase.
rate() { awk -v from="$1" '$2=="good.example" && $1>=from {n++; if (!f) f=$1; l=$1} END {printf "%d deliveries, %.1f/s", n, (n>1 && l>f) ? (n-1)/(l-f) : 0}' "$WORK/delivered.txt"; }
wait_delivered() { # wait until every id in $1 is at the sink (5 minutes at most)
  local deadline=$((SECONDS + 300))
  until python3 "$here/sink.py" check "$1" "$WORK/delivered.txt" >/dev/null || [ $SECONDS -ge $deadline ]; do sleep 0.5; done
}

start_a=$(date +%s.%N)
python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions 10 --messages "$good" --size 2000 \
  --rcpt-domains good.example --accepted "$WORK/accepted-a.txt" | sed 's/^/alone: /'
wait_delivered "$WORK/accepted-a.txt"
echo "good.example alone: $(rate "$start_a")"

start_b=$(date +%s.%N)
python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions 10 --messages $((bad * 2)) --size 2000 \
  --rcpt-domains hung.example,slow.example --accepted "$WORK/accepted-bad.txt" | sed 's/^/bad domains: /'
python3 "$here/smtp_load.py" 127.0.0.1 "$ACTORMTA_SMTP_RELAY_PORT" --sessions 10 --messages "$good" --size 2000 \
  --rcpt-domains good.example --accepted "$WORK/accepted-b.txt" | sed 's/^/with bad domains: /'
wait_delivered "$WORK/accepted-b.txt"
echo "good.example while hung.example and slow.example hold $((bad * 2)) messages: $(rate "$start_b")"

cat "$WORK/accepted-a.txt" "$WORK/accepted-b.txt" >"$WORK/accepted.txt"
sleep 2
python3 "$here/sink.py" check "$WORK/accepted.txt" "$WORK/delivered.txt" || true
echo "delivery log outcomes for the bad domains:"
grep -hE '"(hung|slow)\.example"' "$ACTORMTA_DATA_DIR/delivery.log" | python3 -c '
import json, sys, collections
c = collections.Counter()
for line in sys.stdin:
    d = json.loads(line); c[(d.get("domain"), d.get("outcome"), (d.get("text") or d.get("reply") or "")[:140])] += 1
for (domain, outcome, text), n in sorted(c.items()): print(f"  {domain} {outcome} x{n}: {text}")'
echo "domain states (GET /delivery/domains):"
curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/delivery/domains" | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("domains", d)
for x in items if isinstance(items, list) else []:
    if x.get("domain") in ("hung.example", "slow.example", "good.example"): print("  ", json.dumps(x)[:420])'
