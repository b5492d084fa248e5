#!/usr/bin/env bash
# README command two: install what is missing, build everything, run every test.
# Extra arguments go to ctest (e.g. `-L unit`, `-L server`, `-R chaos`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
owo_install_deps
# PostgreSQL for the postgres-store suites; where it cannot be installed they skip, loudly.
( owo_install_deps "${OWO_TEST_PACKAGES[@]}" ) || echo "==> warning: postgresql-15 not installed; the postgres tests will be skipped" >&2
owo_build
rc=0
ctest --test-dir "$OWO_BUILD_DIR" --output-on-failure -j2 "$@" || rc=$?
skipped=$(grep -c "skipped: postgres not available" "$OWO_BUILD_DIR/Testing/Temporary/LastTest.log" 2>/dev/null || true)
[ "${skipped:-0}" -gt 0 ] && echo "==> ${skipped} test(s) skipped: postgres not available"
exit $rc
