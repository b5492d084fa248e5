#!/usr/bin/env bash
# Durable creates and resolves with wrk (16 connections in all) against owostack-local on
# PostgreSQL — one instance, then three instances on one database (the 16 connections split
# 6/5/5, one wrk each, run together) — next to one instance on SQLite (on-disk, group commit),
# ROUNDS times each. Run through `bash bench/run.sh postgres`.
# PostgreSQL runs durable (fsync, synchronous_commit and full_page_writes on: its defaults), on
# this machine's disk, started by tests/support/postgres_cluster.sh. DURATION (seconds per wrk
# run, default 10), ROUNDS (default 3), POOL (connections per instance, default 8), EVENTS
# (on|off: customer events, #18; default on, so each create writes its event).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
OWO_PACKAGES=(wrk curl postgresql-15)
owo_install_deps
server="$OWO_BUILD_DIR/server/owostack-local"
[ -x "$server" ] || { echo "postgres.sh: $server not built" >&2; exit 1; }
work="$(mktemp -d "$OWO_ROOT/bench/.postgres-XXXXXX")"
cluster="$work/cluster"
export BENCH_KEY=sk_bench_postgres
pids=()
urls=()
stop_servers() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
  urls=()
}
trap 'stop_servers; bash "$OWO_ROOT/tests/support/postgres_cluster.sh" stop "$cluster" >/dev/null; rm -rf "$work"' EXIT INT TERM

OWOSTACK_PG_SETTINGS="-c shared_buffers=256MB" bash "$OWO_ROOT/tests/support/postgres_cluster.sh" start "$cluster"
[ -s "$cluster/url" ] || { echo "postgres.sh: PostgreSQL did not start: $(cat "$cluster/unavailable" 2>/dev/null)" >&2; exit 1; }
base="$(cat "$cluster/url")"

# start_server STORE-ARGS...: one more owostack-local, its URL in urls.
start_server() {
  local out="$work/out-${#pids[@]}"
  "$server" --listen 127.0.0.1:0 --catalog "$OWO_ROOT/bench/catalog.json" --api-key "$BENCH_KEY:bench" \
    --events "${EVENTS:-on}" "$@" \
    >"$out" 2>"$work/err-${#pids[@]}" &
  pids+=($!)
  for _ in $(seq 200); do grep -q '^owostack-local ready' "$out" && break; sleep 0.1; done
  local url
  url="$(grep -m1 '^owostack-local ready' "$out" | sed 's/.*url=\([^ ]*\)\/v1.*/\1/')"
  [ -n "$url" ] || { echo "owostack-local did not start" >&2; cat "$work/err-${#pids[@]}" >&2; exit 1; }
  urls+=("$url")
}

# load WORKLOAD SECONDS: wrk on every instance at once (16 connections split among them); prints
# "req/s p50 p99 non2xx" with req/s summed and the worst instance's p50/p99.
load() {
  local workload=$1 seconds=$2 i n=${#urls[@]} conns
  local wrk_pids=()
  for i in "${!urls[@]}"; do
    conns=$(( 16 / n + (i < 16 % n ? 1 : 0) ))
    wrk -t1 -c"$conns" -d"$seconds"s --latency -s "$OWO_ROOT/bench/wrk/$workload.lua" "${urls[$i]}" \
      | awk -f "$OWO_ROOT/bench/wrk/summary.awk" >"$work/wrk-$i" &
    wrk_pids+=($!)
  done
  wait "${wrk_pids[@]}"
  cat "$work"/wrk-* | awk '{ rps += $1; if ($2 > p50) p50 = $2; if ($3 > p99) p99 = $3; bad += $4 }
                          END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }'
  rm -f "$work"/wrk-*
}

printf "%-12s %-8s %5s %10s %9s %9s %8s\n" store workload round "req/s" "p50 ms" "p99 ms" non-2xx
for round in $(seq "${ROUNDS:-3}"); do
  for setup in sqlite postgres-1 postgres-3; do
    case $setup in
      sqlite) start_server --db "$work/sqlite-$round.db" ;;
      postgres-*)
        db="bench_${round}_${setup#postgres-}"
        psql -q "$base" -c "CREATE DATABASE $db"
        for _ in $(seq "${setup#postgres-}"); do start_server --store "${base%/*}/$db" --store-pool-size "${POOL:-8}"; done ;;
    esac
    load create 2 >/dev/null   # warm-up
    for workload in create resolve; do
      read -r rps p50 p99 bad <<<"$(load "$workload" "${DURATION:-10}")"
      printf "%-12s %-8s %5s %10s %9s %9s %8s\n" "$setup" "$workload" "$round" "$rps" "$p50" "$p99" "$bad"
    done
    stop_servers
    rm -f "$work/sqlite-$round.db"*
  done
done
