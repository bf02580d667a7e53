#!/usr/bin/env bash
# The per-message cost table, before and after: ops/bench/profile.sh on a build of commit REV and on
# this tree, alternating, RUNS times each; prints a Markdown table of the medians.
# usage: ops/bench/profile-compare.sh REV [RUNS=3] [MESSAGES=20000] [SESSIONS=50] [BYTES=1024]
set -euo pipefail
rev=$1; runs=${2:-3}; messages=${3:-20000}; sessions=${4:-50}; bytes=${5:-1024}
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/profile-compare.XXXXXX)
trap 'git -C "$repo" worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$repo" worktree add --detach "$work/before" "$rev" >/dev/null 2>&1
echo "building $rev and this tree (Release)..." >&2
for tree in "$work/before" "$repo"; do
  dotnet build "$tree/src/ActorMta.Host" -c Release -v q -nologo >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; exit 1; }
done
for run in $(seq 1 "$runs"); do
  for side in before after; do
    tree=$([ "$side" = before ] && echo "$work/before" || echo "$repo")
    HOST_DLL="$tree/src/ActorMta.Host/bin/Release/net10.0/ActorMta.Host.dll" HOST_DLL_SET=1 \
      bash "$here/profile.sh" "$messages" "$sessions" "$bytes" >"$work/$side-$run.txt" 2>&1 || { tail -20 "$work/$side-$run.txt" >&2; exit 1; }
    echo "run $run $side: $(grep -E 'e2e msg/s|cpu-us' "$work/$side-$run.txt" | awk '{print $1"="$NF}' | tr '\n' ' ')" >&2
  done
done
python3 - "$work" "$runs" "$rev" "$messages" "$bytes" <<'PY'
import statistics, sys, re, glob
work, runs, rev, messages, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def rows(side):
    table = {}
    for run in range(1, runs + 1):
        for line in open(f"{work}/{side}-{run}.txt"):
            m = re.match(r"^\s+(.+?)\s{2,}([\d,.]+)$", line)
            if m: table.setdefault(m.group(1), []).append(float(m.group(2).replace(',', '')))
    return table
before, after = rows("before"), rows("after")
print(f"per relayed message, {messages} messages of {size} bytes, medians of {runs} runs (ops/bench/profile-compare.sh {rev})\n")
print(f"| | {rev} | this tree | after/before |\n|---|---:|---:|---:|")
for name in before:
    b, a = statistics.median(before[name]), statistics.median(after.get(name, [0]))
    print(f"| {name} | {b:,.2f} | {a:,.2f} | {a / b if b else float('nan'):.2f} |")
PY
