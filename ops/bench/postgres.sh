#!/usr/bin/env bash
# A private PostgreSQL 15 on loopback for benchmarks (never a shared server).
# usage: postgres.sh start DIR PORT   -> prints the connection string
#        postgres.sh restart DIR PORT [SECONDS_DOWN]
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
  restart)
    # A crash and a return: stop at once (no checkpoint), stay down SECONDS, start on the same data and port.
    dir=$2; port=$3; down=${4:-5}
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    sleep "$down"
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on" start >/dev/null
    ;;
  stop)
    dir=$2
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT | restart DIR PORT [SECONDS] | stop DIR" >&2; exit 2 ;;
esac
