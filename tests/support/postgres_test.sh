#!/usr/bin/env bash
# Runs a test program against the fixture's PostgreSQL (postgres_cluster.sh):
#   postgres_test.sh STATE_DIR PROGRAM [ARGS...]
# with OWOSTACK_TEST_POSTGRES set to its URL, or — where the machine cannot run PostgreSQL —
# says so loudly and exits 77, which ctest counts as skipped (never a silent pass).
state=${1:?state dir}
shift
if [ -s "$state/url" ]; then
  OWOSTACK_TEST_POSTGRES=$(cat "$state/url") exec "$@"
fi
why=$(cat "$state/unavailable" 2>/dev/null || echo "the postgres fixture did not run")
echo "*** skipped: postgres not available ($why): $(basename "$1")"
exit 77
