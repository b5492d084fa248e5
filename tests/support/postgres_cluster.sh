#!/usr/bin/env bash
# A throw-away PostgreSQL 15 for the postgres-store tests (the ctest fixture "postgres").
#   postgres_cluster.sh start STATE_DIR   initdb in a temp dir, start on a free loopback port,
#                                         write STATE_DIR/url (or STATE_DIR/unavailable: why not)
#   postgres_cluster.sh stop STATE_DIR    stop it and remove its data
# PostgreSQL refuses to run as root: as root it runs as the `postgres` system user (or `nobody`)
# in a directory that user owns. Test settings by default: fsync off (nothing here must survive a
# crash); OWOSTACK_PG_SETTINGS replaces them (bench/postgres.sh: durable), OWOSTACK_PG_TMP says
# where the data directory goes (default /tmp).
set -uo pipefail

action=${1:?start|stop}
state=${2:?state dir}
bin=${OWOSTACK_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
  local user=postgres
  id -u "$user" >/dev/null 2>&1 || user=nobody
  runuser -u "$user" -- "$@"
}

stop_cluster() {
  [ -f "$state/data" ] || return 0
  local data
  data=$(cat "$state/data")
  if [ -d "$data/pgdata" ]; then
    local pid
    pid=$(head -n 1 "$data/pgdata/postmaster.pid" 2>/dev/null || true)
    as_owner "$bin/pg_ctl" -D "$data/pgdata" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    # Still there (a backend that does not die): the postmaster and its group go the hard way.
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$data"
  rm -f "$state/data" "$state/url"
}

unavailable() {
  echo "$1" > "$state/unavailable"
  echo "postgres fixture: not available: $1"
  exit 0   # the tests that need it report "skipped: postgres not available" themselves
}

case "$action" in
  stop)
    stop_cluster
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac

mkdir -p "$state"
stop_cluster   # a cluster left by an interrupted run
rm -f "$state/unavailable"
[ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || unavailable "no PostgreSQL 15 at $bin (apt-get install postgresql-15)"

data=$(mktemp -d "${OWOSTACK_PG_TMP:-/tmp}/owostack-pg.XXXXXX")
echo "$data" > "$state/data"
if [ "$(id -u)" -eq 0 ]; then
  user=postgres; id -u "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$data"
fi
if ! as_owner "$bin/initdb" -D "$data/pgdata" -U owo -A trust -E UTF8 --locale=C --no-sync >"$data/initdb.log" 2>&1; then
  why=$(tail -n 3 "$data/initdb.log" | tr '\n' ' ')
  stop_cluster
  unavailable "initdb failed: $why"
fi

# A free port: try a few random ones; pg_ctl -w fails when the port is taken.
for attempt in 1 2 3 4 5 6 7 8; do
  port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  if as_owner "$bin/pg_ctl" -D "$data/pgdata" -l "$data/server.log" -w -t 30 \
       -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=300 ${OWOSTACK_PG_SETTINGS--c fsync=off -c synchronous_commit=off -c full_page_writes=off}" \
       start >/dev/null 2>&1; then
    echo "postgres://owo@127.0.0.1:$port/postgres" > "$state/url"
    echo "postgres fixture: PostgreSQL 15 on 127.0.0.1:$port ($data)"
    exit 0
  fi
  grep -q "Address already in use\|could not bind" "$data/server.log" 2>/dev/null || break
done
why=$(tail -n 3 "$data/server.log" 2>/dev/null | tr '\n' ' ')
stop_cluster
unavailable "PostgreSQL did not start: $why"
