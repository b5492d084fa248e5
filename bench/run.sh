#!/usr/bin/env bash
# Runs every benchmark against a fresh owostack-local (in-memory store) on loopback.
# ROUNDS (default 5) repetitions of each; the medians and min-max go into bench/README.md by hand.
# Usage: bash bench/run.sh [overhead|throughput|inflight|server|allocations|pager|commit|postgres ...]
# (pager is not in the default set: it seeds 100,000 customers; ROUNDS=1 bash bench/run.sh pager)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
owo_install_deps
owo_build owostack-local owostack-bench owostack-events-bench
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(overhead throughput inflight server allocations)
for b in "${benches[@]}"; do
  # commit: wrk against an on-disk server, per-request vs group commit (bench/commit.sh).
  if [ "$b" = commit ]; then bash "$OWO_ROOT/bench/commit.sh"; continue; fi
  # postgres: wrk on 1 and 3 instances on one PostgreSQL next to SQLite (bench/postgres.sh).
  if [ "$b" = postgres ]; then bash "$OWO_ROOT/bench/postgres.sh"; continue; fi
  for round in $(seq "${ROUNDS:-5}"); do
    echo "### $b, round $round"
    "$OWO_ROOT/scripts/with-local-server.sh" --catalog "$OWO_ROOT/bench/catalog.json" -- bash -c \
      '"$0" "$1" --url "$OWOSTACK_API_URL" --ca "$OWOSTACK_CA_FILE" --key "$OWOSTACK_SECRET_KEY"' \
      "$OWO_BUILD_DIR/bench/owostack-bench" "$b"
  done
done
