#!/usr/bin/env bash
# What one relayed message costs the node: smtp-source -> ActorMta -> smtp-sink with delivery on, fresh
# SQLite journal (fsync'd defaults), 500 warm-up messages, then MESSAGES measured. Per message:
#   cpu-us          process CPU time (user+sys), from /proc/PID/stat
#   alloc-bytes     managed allocations (dotnet.gc.heap.total_allocated)
#   gc              collections (all generations) per 1,000 messages
#   work-items      thread-pool work items: each is a hop from one thread to another
#   lock-contentions  Monitor contentions
#   syscalls        every system call (perf stat, raw_syscalls:sys_enter)
#   ctx-switches    context switches (perf stat)
#   fsyncs          fsync + fdatasync calls: durable commits to the journal and the body store
#   pwrites/preads  database page writes and reads (SQLite uses pwrite64/pread64)
#   journal-events, journal-writes  events persisted and the group-committed writes that carried them
# usage: ops/bench/profile.sh [MESSAGES=20000] [SESSIONS=50] [BYTES=1024]    (HOST_DLL: another build)
# env:   PERF_RECORD=FILE  also record a CPU profile (perf record -g, with the runtime's perf map) to FILE
set -euo pipefail
messages=${1:-20000}; sessions=${2:-50}; bytes=${3:-1024}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
[ -n "${HOST_DLL_SET:-}" ] || node_build
command -v perf >/dev/null || { echo "perf missing: apt-get install -y linux-perf" >&2; exit 2; }
bench_workdir profile sqlite
sink_port=$(free_port)
sink_route_conf "$WORK/actormta.conf" "$sink_port"
node_env "$WORK/data"
export DOTNET_PerfMapEnabled=${PERF_RECORD:+1} DOTNET_EnableWriteXorExecute=${PERF_RECORD:+0}
NODE_ARGS="--config $WORK/actormta.conf" node_start "$WORK/node.log"

# One sink for the warm-up and the measured messages: a sink that went away between them would
# look to the node like a failing host and pause the domain.
smtp-sink -u postfix -M "$((500 + messages))" -m 512 127.0.0.1:"$sink_port" 1024 & sink=$!
sleep 0.3
inject() { smtp-source -s "$sessions" -m "$1" -l "$bytes" -d -N -f bench@src.example -t rcpt@dest.example 127.0.0.1:"$ACTORMTA_SMTP_RELAY_PORT"; }
inject 500
until [ "$(node_metric actormta_queue_recipients_delivered_total)" -ge 500 ] 2>/dev/null; do sleep 0.1; done
metrics() { curl -sf "http://127.0.0.1:${ACTORMTA_MANAGEMENT_PORT}/metrics" > "$1"; }
metrics "$WORK/m0"; cpu0=$(awk '{print $14 + $15}' /proc/"$NODE_PID"/stat)
perf stat -x, -o "$WORK/perf" -e raw_syscalls:sys_enter,context-switches,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync,syscalls:sys_enter_pwrite64,syscalls:sys_enter_pread64 -p "$NODE_PID" & perf_pid=$!
[ -n "${PERF_RECORD:-}" ] && { perf record -F 499 -g -o "$PERF_RECORD" -p "$NODE_PID" 2>/dev/null & record_pid=$!; }
t0=$(date +%s.%N)
inject "$messages"
wait "$sink"
t1=$(date +%s.%N)
kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
[ -n "${PERF_RECORD:-}" ] && { kill -INT "$record_pid"; wait "$record_pid" 2>/dev/null || true; }
metrics "$WORK/m1"; cpu1=$(awk '{print $14 + $15}' /proc/"$NODE_PID"/stat)
node_stop

python3 - "$messages" "$t0" "$t1" "$WORK/m0" "$WORK/m1" "$WORK/perf" "$((cpu1 - cpu0))" "$(getconf CLK_TCK)" <<'PY'
import sys, re
n, t0, t1 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
def load(path):
    out = {}
    for line in open(path):
        if line.startswith('#') or not line.strip(): continue
        name, value = line.rsplit(' ', 1)[0], line.rsplit(' ', 1)[1]
        out[re.sub(r'\{.*', '', name)] = out.get(re.sub(r'\{.*', '', name), 0) + float(value)
    return out
m0, m1 = load(sys.argv[4]), load(sys.argv[5])
d = lambda k: m1.get(k, 0) - m0.get(k, 0)
perf = {}
for line in open(sys.argv[6]):
    parts = line.strip().split(',')
    if len(parts) > 2 and parts[0].replace('.', '').isdigit(): perf[parts[2]] = float(parts[0])
p = lambda k: perf.get(k, 0)
rows = [
    ("e2e msg/s", n / (t1 - t0)),
    ("cpu-us", float(sys.argv[7]) / float(sys.argv[8]) * 1e6 / n),
    ("alloc-bytes", d("dotnet_gc_heap_total_allocated_bytes_total") / n),
    ("gc per 1k msgs", d("dotnet_gc_collections_total") * 1000 / n),
    ("work-items", d("dotnet_thread_pool_work_item_count_total") / n),
    ("lock-contentions", d("dotnet_monitor_lock_contentions_total") / n),
    ("syscalls", p("raw_syscalls:sys_enter") / n),
    ("ctx-switches", p("context-switches") / n),
    ("fsyncs", (p("syscalls:sys_enter_fsync") + p("syscalls:sys_enter_fdatasync")) / n),
    ("pwrites", p("syscalls:sys_enter_pwrite64") / n),
    ("preads", p("syscalls:sys_enter_pread64") / n),
    ("journal-events", d("actormta_queue_events_written_total") / n),
    ("journal-writes", d("actormta_queue_journal_writes_total") / n),
]
print(f"messages={n} per message:")
for name, v in rows: print(f"  {name:<18} {v:,.2f}")
PY
