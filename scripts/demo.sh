#!/usr/bin/env bash
# README command one: build owostack-local and the seats example, start the server on a free
# loopback port with the example catalog and an on-disk database, run the example over HTTPS,
# stop the server. Exit status is the example's.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
owo_install_deps
owo_build owostack-local seats
mkdir -p "$OWO_BUILD_DIR/demo"
exec "$OWO_ROOT/scripts/with-local-server.sh" --db "$OWO_BUILD_DIR/demo/owostack.db" -- \
  "$OWO_BUILD_DIR/examples/seats" "$@"
