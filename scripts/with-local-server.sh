#!/usr/bin/env bash
# with-local-server.sh [--db FILE] [--catalog FILE] [--api-key KEY:ORG]... [--server-arg ARG]... -- COMMAND [ARGS...]
# Starts owostack-local on a free loopback port, exports OWOSTACK_API_URL, OWOSTACK_CA_FILE
# and OWOSTACK_SECRET_KEY for COMMAND, runs it, and always stops the server afterwards.
# --api-key adds a key of another organisation (the exported key stays the default one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db=":memory:"
catalog="$root/server/catalog.example.json"
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --catalog) catalog="$2"; shift 2 ;;
    --api-key) server_args+=(--api-key "$2"); shift 2 ;;
    --server-arg) server_args+=("$2"); shift 2 ;;   # passed to owostack-local as is
    --) shift; break ;;
    *) echo "with-local-server.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: with-local-server.sh [--db FILE] [--catalog FILE] [--api-key KEY:ORG]... -- COMMAND..." >&2; exit 2; }
server="${OWOSTACK_LOCAL:-${OWOSTACK_BUILD_DIR:-$root/build}/server/owostack-local}"
[ -x "$server" ] || { echo "with-local-server.sh: $server not built" >&2; exit 1; }

key=sk_test_owostack_local
out="$(mktemp)"
"$server" --listen 127.0.0.1:0 --db "$db" --catalog "$catalog" --api-key "$key:local" ${server_args[@]+"${server_args[@]}"} >"$out" &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  rm -f "$out"
}
trap stop EXIT INT TERM

ready=""
for _ in $(seq 200); do
  ready="$(grep -m1 '^owostack-local ready' "$out" || true)"
  [ -n "$ready" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "owostack-local exited before it was ready" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ready" ] || { echo "owostack-local did not become ready within 20 s" >&2; exit 1; }

url="${ready#*url=}"; url="${url%% *}"
ca="${ready#*ca=}"; ca="${ca%% *}"
echo "==> owostack-local at $url (trusting $ca)"
export OWOSTACK_API_URL="$url" OWOSTACK_CA_FILE="$ca" OWOSTACK_SECRET_KEY="$key"
set +e
"$@"
status=$?
set -e
exit "$status"
