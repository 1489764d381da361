#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages:
#   scripts/postgres.sh start DIR PORT   initialises DIR, starts the server on 127.0.0.1:PORT and
#                                        prints its URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh stop DIR         stops it and removes DIR
# and a primary with a synchronous standby (the failover test and benchmark, docs/deploy.md):
#   scripts/postgres.sh start-primary DIR PORT      as `start`, every commit waiting for a standby
#   scripts/postgres.sh start-standby DIR PORT FROM a streaming copy of the primary on port FROM,
#                                                   its synchronous standby; prints its URL
#   scripts/postgres.sh crash DIR                   stops a server at once, as a power cut would
#   scripts/postgres.sh promote DIR                 makes a standby the primary
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user the package creates.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start | start-primary)
    dir=$2 port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    # The standby's name is matched on the command line, not in the data directory: a standby
    # copies that directory, and once promoted it must not wait for a standby of its own.
    sync=""
    [ "$1" != start-primary ] || sync="-c synchronous_standby_names='*' -c synchronous_commit=on"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 $sync" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  start-standby)
    dir=$2 port=$3 from=$4
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    # -R: the copy starts as a standby streaming from the primary (standby.signal, primary_conninfo).
    as_postgres "$bin/pg_basebackup" -D "$dir/data" -h 127.0.0.1 -p "$from" -U postgres -R -X stream -c fast >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    # Ready when the primary counts it as its synchronous standby.
    for _ in $(seq 100); do
      state=$(as_postgres "$bin/psql" -h 127.0.0.1 -p "$from" -U postgres -Atc "SELECT sync_state FROM pg_stat_replication" 2>/dev/null || true)
      [ "$state" = sync ] && break
      sleep 0.1
    done
    [ "$state" = sync ] || { echo "the standby did not become synchronous" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  crash)
    as_postgres "$bin/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null
    ;;
  promote)
    as_postgres "$bin/pg_ctl" -D "$2/data" -w promote >/dev/null
    ;;
  stop)
    dir=$2
    [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | start-primary DIR PORT | start-standby DIR PORT FROM | crash DIR | promote DIR | stop DIR" >&2
    exit 2
    ;;
esac
