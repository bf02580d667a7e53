#!/usr/bin/env bash
# Fault under load: 10,000 connections opened and held against a node on its default limits (5000 in all,
# 50 per client), from SOURCES loopback addresses (127.0.0.2 ...); past the limits they hear 421. While they
# are held, another client sends a whole message. Prints accepted/refused/reset, the node's resident memory
# before, held and after, and the other client's result. Raises the open-file limit for both processes.
# usage: ops/bench/connection-flood.sh [CONNECTIONS=10000] [SOURCES=80]
set -euo pipefail
connections=${1:-10000}; sources=${2:-80}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/node.sh"
node_build
ulimit -n "$(( $(ulimit -Hn) < 65536 ? $(ulimit -Hn) : 65536 ))"
cd "$BENCH_ROOT"
dotnet run -c Release --project tests/ActorMta.Benchmarks -- connection-flood --connections "$connections" --sources "$sources"
