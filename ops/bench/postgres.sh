#!/usr/bin/env bash
# A private PostgreSQL 15 on loopback for benchmarks (never a shared server).
# usage: postgres.sh start DIR PORT   -> prints the connection string
#        postgres.sh stop DIR
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$1" in
  start)
    dir=$2; port=$3
    mkdir -p "$dir"
    # As root the server runs as postgres, which must be able to reach DIR (mktemp -d makes 0700 parents).
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod a+x "$(dirname "$dir")"; fi
    as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
    # Durable settings as a production relay would run them (fsync and synchronous_commit on).
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    dir=$2
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
