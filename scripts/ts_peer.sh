#!/usr/bin/env bash
# ts_peer.sh [BUILD_DIR] — the upstream TypeScript SDK as a peer of the C++ SDK (issue #19).
#
# Runs one scenario (scripts/ts_peer/scenario.mjs: sync a catalog, wallet setup, usage through
# feature handles, billing.usage / invoice / invoices / pay, addon, wallet.remove) with the
# unchanged upstream TypeScript SDK, and the same scenario with the C++ SDK
# (examples/parity_scenario.cpp), against one owostack-local — each in an organisation of its
# own, so both start from the same state — and compares the two results.
#
# The TypeScript SDK: `npm install owostack@0.4.0`; when the npm registry in reach does not carry
# it, it is built from the upstream source as it is (packages/core at OWOSTACK_UPSTREAM: a
# checkout, or a bare git repository) with TypeScript from npm (scripts/ts_peer/build_upstream_sdk.mjs).
# Needs node >= 18 and npm; not part of scripts/test.sh (it needs the npm registry).
# Environment: OWOSTACK_UPSTREAM, OWOSTACK_TS_PEER_DIR (default BUILD_DIR/ts_peer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "${1:-}" = "--inside" ]; then   # run by with-local-server.sh, the server up
  work="$2"; cpp="$3"
  OWOSTACK_SECRET_KEY=sk_peer_ts NODE_EXTRA_CA_CERTS="$OWOSTACK_CA_FILE" \
    node "$work/scenario.mjs" >"$work/ts.json"
  OWOSTACK_SECRET_KEY=sk_peer_cpp "$cpp" >"$work/cpp.json"
  # Parsed and printed again by one program: numbers compare as numbers (1.25E2 == 125).
  node -e '
    const fs = require("fs");
    const [ts, cpp] = process.argv.slice(1).map((f) => JSON.stringify(JSON.parse(fs.readFileSync(f, "utf8")), null, 1));
    fs.writeFileSync(process.argv[1] + ".norm", ts + "\n");
    fs.writeFileSync(process.argv[2] + ".norm", cpp + "\n");' "$work/ts.json" "$work/cpp.json"
  if diff -u "$work/ts.json.norm" "$work/cpp.json.norm"; then
    echo "ts_peer: the TypeScript SDK and the C++ SDK gave the same results ($(grep -c . "$work/ts.json.norm") lines of JSON compared)"
  else
    echo "ts_peer: the results differ (above: - TypeScript, + C++)"
    exit 1
  fi
  exit 0
fi

build="${1:-$root/build}"
cpp="$build/examples/parity_scenario"
[ -x "$cpp" ] || { echo "ts_peer: build examples/parity_scenario first (cmake --build $build --target parity_scenario owostack-local)" >&2; exit 1; }
work="${OWOSTACK_TS_PEER_DIR:-$build/ts_peer}"
mkdir -p "$work"
cp "$root/scripts/ts_peer/scenario.mjs" "$root/scripts/ts_peer/build_upstream_sdk.mjs" "$work/"
cd "$work"
[ -f package.json ] || echo '{"name":"owostack-ts-peer","private":true,"type":"module"}' >package.json

if [ ! -f node_modules/owostack/package.json ]; then
  if npm install --no-audit --no-fund owostack@0.4.0 >npm.log 2>&1; then
    echo "ts_peer: owostack@0.4.0 installed from the npm registry"
  else
    echo "ts_peer: owostack@0.4.0 is not in the npm registry in reach (npm.log); building it from the upstream source"
    upstream="${OWOSTACK_UPSTREAM:-}"
    [ -n "$upstream" ] || { echo "ts_peer: set OWOSTACK_UPSTREAM to an upstream checkout (or bare repository)" >&2; exit 1; }
    rm -rf upstream && mkdir upstream
    if [ -d "$upstream/packages/core" ]; then cp -r "$upstream/packages/core" upstream/core
    else git -C "$upstream" archive HEAD packages/core | tar -x -C upstream && mv upstream/packages/core upstream/core
    fi
    npm install --no-audit --no-fund typescript@5 >>npm.log 2>&1
    node build_upstream_sdk.mjs upstream/core node_modules/owostack
  fi
fi
echo "ts_peer: TypeScript SDK $(node -p 'require("./node_modules/owostack/package.json").version')"
exec "$root/scripts/with-local-server.sh" --api-key sk_peer_ts:peer_ts --api-key sk_peer_cpp:peer_cpp \
  -- bash "$root/scripts/ts_peer.sh" --inside "$work" "$cpp"
