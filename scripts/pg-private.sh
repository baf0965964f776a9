#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster in a directory of its own, on a free loopback port.
#
#   scripts/pg-private.sh start [DIR]   create (first time) and start; prints the connection URL
#   scripts/pg-private.sh stop  [DIR]   stop the server (fast shutdown), keep the data
#   scripts/pg-private.sh url   [DIR]   print the connection URL of a running cluster
#   scripts/pg-private.sh destroy [DIR] stop and delete the directory
#
# DIR defaults to $NGSYNC_PG_DIR or /tmp/ngsync-pg. Postgres refuses to run as root, so when
# called as root the server runs through runuser as the unprivileged 'postgres' user (created
# by the postgresql-15 package). A restart reuses the same port so clients can reconnect.
set -euo pipefail

cmd=${1:-}
dir=${2:-${NGSYNC_PG_DIR:-/tmp/ngsync-pg}}
pgbin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[[ -n $pgbin ]] || { echo "pg-private: PostgreSQL 15 not installed (run scripts/install-deps.sh)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

url() { echo "postgresql://ngsync@127.0.0.1:$(cat "$dir/port")/ngsync"; }

case $cmd in
  start)
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      mkdir -p "$dir/data" "$dir/sock"
      if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$dir"
        runuser -u postgres -- test -x "$dir" || {
          echo "pg-private: the postgres user cannot reach $dir (a parent directory is private); use a directory under /tmp" >&2
          exit 1
        }
      fi
      chmod 700 "$dir/data"
      as_owner "$pgbin/initdb" -D "$dir/data" -U ngsync --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
      free_port >"$dir/port"
      cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $(cat "$dir/port")
unix_socket_directories = '$dir/sock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
timezone = 'UTC'
log_min_messages = warning
CONF
      fresh=1
    fi
    if ! as_owner "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    fi
    if [[ ${fresh:-0} == 1 ]]; then
      as_owner "$pgbin/psql" -h "$dir/sock" -p "$(cat "$dir/port")" -U ngsync -d postgres -q \
        -c "CREATE DATABASE ngsync" >/dev/null
    fi
    url
    ;;
  stop)
    if [[ -f $dir/data/PG_VERSION ]] && as_owner "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
  url)
    url
    ;;
  destroy)
    "$0" stop "$dir"
    rm -rf "$dir"
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 64
    ;;
esac
