#!/usr/bin/env bash
# Durable creates and resolves with wrk (-t1 -c16) against an on-disk owostack-local (WAL,
# synchronous=FULL), the previous commit design (per-request: one transaction and fsync per
# write) and group commit side by side, ROUNDS times each. Run through `bash bench/run.sh commit`.
# DURATION (seconds per wrk run, default 10), ROUNDS (default 3), BENCH_DIR (where the database
# files go, in a new directory removed afterwards; default bench/, so on the disk, not a tmpfs).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
OWO_PACKAGES=(wrk curl)
owo_install_deps
server="$OWO_BUILD_DIR/server/owostack-local"
[ -x "$server" ] || { echo "commit.sh: $server not built" >&2; exit 1; }
work="$(mktemp -d "${BENCH_DIR:-$OWO_ROOT/bench}/.commit-XXXXXX")"
export BENCH_KEY=sk_bench_commit
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -z "$pid" ] || wait "$pid" 2>/dev/null || true
  pid=""
}
trap 'stop; rm -rf "$work"' EXIT INT TERM
trap 'echo "commit.sh: failed at line $LINENO; the server said:" >&2; cat "$work/err" >&2 2>/dev/null' ERR

# wrk's summary as "req/s p50 p99 non2xx" (latencies in ms).
summary() { awk -f "$OWO_ROOT/bench/wrk/summary.awk"; }

printf "%-12s %-8s %5s %10s %9s %9s %8s %10s\n" mode workload round "req/s" "p50 ms" "p99 ms" non-2xx "batch avg"
for round in $(seq "${ROUNDS:-3}"); do
  for mode in ${MODES:-per-request group}; do
    db="$work/$mode-$round.db"
    out="$work/out"
    "$server" --listen 127.0.0.1:0 --db "$db" --catalog "$OWO_ROOT/bench/catalog.json" --api-key "$BENCH_KEY:bench" \
      --commit-mode "$mode" >"$out" 2>"$work/err" &
    pid=$!
    for _ in $(seq 200); do
      grep -q '^owostack-local ready' "$out" && break
      kill -0 "$pid" 2>/dev/null || { echo "owostack-local exited at start" >&2; cat "$work/err" >&2; exit 1; }
      sleep 0.1
    done
    url="$(sed -n 's/^owostack-local ready url=\([^ ]*\)\/v1.*/\1/p' "$out")"
    [ -n "$url" ] || { echo "owostack-local did not start" >&2; cat "$work/err" >&2; exit 1; }
    metric() { curl -sk "$url/metrics" | awk -v s="$1" '$1 == s { print $2 }'; }
    wrk -t1 -c16 -d2s -s "$OWO_ROOT/bench/wrk/create.lua" "$url" >/dev/null   # warm-up
    for workload in create resolve; do
      c0="$(metric owostack_store_commit_batch_size_count)"; u0="$(metric owostack_store_commit_batch_size_sum)"
      line="$(wrk -t1 -c16 -d"${DURATION:-10}"s --latency -s "$OWO_ROOT/bench/wrk/$workload.lua" "$url" | summary)"
      c1="$(metric owostack_store_commit_batch_size_count)"; u1="$(metric owostack_store_commit_batch_size_sum)"
      batch="$(awk -v c="$((c1 - c0))" -v u="$(awk -v a="$u1" -v b="$u0" 'BEGIN { print a - b }')" \
        'BEGIN { if (c > 0) printf "%.1f", u / c; else print "-" }')"
      read -r rps p50 p99 bad <<<"$line"
      printf "%-12s %-8s %5s %10s %9s %9s %8s %10s\n" "$mode" "$workload" "$round" "$rps" "$p50" "$p99" "$bad" "$batch"
    done
    stop
    rm -f "$db" "$db-wal" "$db-shm"
  done
done
