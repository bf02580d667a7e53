#!/usr/bin/env bash
# Suppression list at scale: bulk-add ENTRIES addresses through POST /api/admin/suppression/v1/bulk (BATCH per
# request), then check CHECKS of them through GET /api/admin/suppression/v1/check (CONCURRENCY clients). Prints the
# add and check rates and the node's memory (VmRSS, VmHWM) before and after. One node, SQLite journal (default) or
# PROVIDER=postgresql.
#   ops/bench/suppression.sh                       # 100000 entries, 100000 checks
#   ENTRIES=100000 CHECKS=20000 CONCURRENCY=8 ops/bench/suppression.sh
set -euo pipefail
. "$(dirname "$0")/node.sh"
ENTRIES=${ENTRIES:-100000} BATCH=${BATCH:-10000} CHECKS=${CHECKS:-$ENTRIES} CONCURRENCY=${CONCURRENCY:-8} PROVIDER=${PROVIDER:-sqlite}

node_build
bench_workdir suppression "$PROVIDER"
node_env_paused "$WORK/data"
node_journal "$PROVIDER"
TOKEN=bench-admin-token-0123456789abcdef
export ACTORMTA_MANAGEMENT_ADMIN_TOKENS=$TOKEN
node_start "$WORK/node.log"
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$NODE_PID/status"; echo; }
# Every shard answers (recovered) before the clock starts.
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$ACTORMTA_MANAGEMENT_PORT/api/admin/suppression/v1/summary" && break; sleep 0.2
done
echo "node ready ($PROVIDER): $(memory)"

python3 - "$ACTORMTA_MANAGEMENT_PORT" "$TOKEN" "$ENTRIES" "$BATCH" "$CHECKS" "$CONCURRENCY" <<'PY'
import json, sys, time, urllib.request, concurrent.futures, http.client
port, token, entries, batch, checks, concurrency = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
    c.request(method, path, body=None if body is None else json.dumps(body),
              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    if r.status != 200: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)
addresses = [f"bench.user{i}@example{i % 97}.test" for i in range(entries)]
start = time.monotonic()
for i in range(0, entries, batch):
    call("POST", "/api/admin/suppression/v1/bulk", {"reason": "bench", "entries": [{"recipient": a} for a in addresses[i:i + batch]]})
took = time.monotonic() - start
print(f"added {entries} in {took:.1f}s: {entries / took:.0f} adds/s ({batch} per request)")
total = call("GET", "/api/admin/suppression/v1/summary")["total"]
assert total == entries, f"summary says {total}"
step = max(1, entries // checks)
sample = addresses[::step][:checks]
def check(chunk):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60); missed = 0
    for a in chunk:
        c.request("GET", f"/api/admin/suppression/v1/check?recipient={a}", headers={"Authorization": f"Bearer {token}"})
        r = c.getresponse(); body = json.loads(r.read())
        if not body.get("suppressed"): missed += 1
    c.close(); return missed
start = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
    missed = sum(pool.map(check, [sample[i::concurrency] for i in range(concurrency)]))
took = time.monotonic() - start
print(f"checked {len(sample)} in {took:.1f}s: {len(sample) / took:.0f} checks/s over HTTP ({concurrency} clients); not suppressed: {missed}")
PY
echo "after: $(memory)"
