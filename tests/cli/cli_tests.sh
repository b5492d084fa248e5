#!/usr/bin/env bash
# The `owostack` command line against owostack-local: output and exit status of every command,
# usage errors (2), API errors (1, the server's code on stderr), network errors (3), and that the
# secret key never appears in any output.
# Usage: with-local-server.sh -- cli_tests.sh PATH/TO/owostack
set -uo pipefail
bin="$1"
: "${OWOSTACK_SECRET_KEY:?run under scripts/with-local-server.sh}"
failures=0 checks=0
out="$(mktemp)" err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT

# check EXPECTED_STATUS STDOUT_REGEX STDERR_REGEX -- ARGS...   (an empty regex checks nothing)
check() {
  local want="$1" out_re="$2" err_re="$3"; shift 4
  "$bin" "$@" >"$out" 2>"$err"
  local got=$?
  checks=$((checks + 1))
  local why=""
  [ "$got" -eq "$want" ] || why="exit status $got, expected $want"
  [ -z "$out_re" ] || grep -Eq -- "$out_re" "$out" || why="$why; stdout does not match /$out_re/"
  [ -z "$err_re" ] || grep -Eq -- "$err_re" "$err" || why="$why; stderr does not match /$err_re/"
  if grep -qF -- "$OWOSTACK_SECRET_KEY" "$out" "$err"; then why="$why; the secret key was printed"; fi
  if [ -n "$why" ]; then
    failures=$((failures + 1))
    echo "FAIL: owostack $*: ${why#; }"
    sed 's/^/  stdout: /' "$out"; sed 's/^/  stderr: /' "$err"
  else
    echo "ok:   owostack $*"
  fi
}

email="cli-$$-$RANDOM@example.com"

# Help, everywhere.
check 0 '^usage: owostack .*COMMAND' '' -- --help
check 0 'customers get CUSTOMER_ID' '' -- customers --help
check 0 '^usage: owostack plans' '' -- plans --help
check 0 '^usage: owostack customers create' '' -- customers create -h
check 0 '^usage: owostack entities add CUSTOMER FEATURE ENTITY' '' -- entities add --help
check 0 '^usage: owostack entities remove' '' -- --json entities remove --help
check 0 '^usage: owostack entities list' '' -- entities list --help

# Usage errors: 2.
check 2 '' 'no command given' --
check 2 '' "unknown command 'frobnicate'" -- frobnicate
check 2 '' "unknown command 'customers frobnicate'" -- customers frobnicate
check 2 '' "'entities' needs a subcommand" -- entities
check 2 '' 'unknown option --colour' -- plans --colour
check 2 '' 'unknown option -x' -- plans -x
check 2 '' "'plans' has no option --email" -- plans --email x@example.com
check 2 '' 'option --url needs a value' -- plans --url
check 2 '' 'option --json takes no value' -- plans --json=yes
check 2 '' 'takes 1 argument' -- customers get
check 2 '' 'takes 0 argument' -- plans extra
check 2 '' 'needs --email' -- customers create
check 2 '' 'must be a JSON object' -- customers create --email "$email" --metadata '[1]'
check 2 '' 'empty' -- customers get ''
check 2 '' 'no API key' -- --key '' plans

# Plans: table and JSON.
check 0 '^SLUG +NAME +PRICE' '' -- plans
check 0 '^team +Team +4900 +USD +monthly' '' -- plans
check 0 '^\{"plans":\[\{.*"slug":"free"' '' -- plans --json
check 0 '^SLUG' '' -- plans --include-inactive --currency USD

# Customers.
check 0 "^email +$email" '' -- customers create --email "$email" --name "CLI Test" --metadata '{"tier":"gold"}'
id="$("$bin" customers create --email "$email" --json | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
[ -n "$id" ] || { echo "FAIL: no id from customers create --json"; failures=$((failures + 1)); }
check 0 "^name +CLI Test" '' -- customers get "$id"
check 0 '"metadata":\{"tier":"gold"\}' '' -- customers get "$id" --json
check 0 "\"email\":\"$email\"" '' -- --json customers get "$id"
check 1 '' '^owostack: not_found: Customer not found \(HTTP 404\)' -- customers get no-such-customer

# Entities.
check 0 '^added seat-1 \(seats\): 1 used of 1$' '' -- entities add "$email" seats seat-1 --name "Seat One"
check 1 '' 'limit_exceeded: .*\(HTTP 400\)' -- entities add "$email" seats seat-2
check 0 '^seat-1 +seats +Seat One +- +active' '' -- entities list "$email"
check 0 '^1 entity$' '' -- entities list "$email" --feature seats
check 0 '^removed seat-1 \(pending removal' '' -- entities remove "$email" seats seat-1
check 0 '"status":"pending_removal".*"total":1' '' -- entities list "$email" --json
check 1 '' 'not_found|customer_not_found' -- entities list no-such-customer@example.com

# Flags override the environment; the key is never echoed.
check 1 '' '^owostack: unauthorized: .*\(HTTP 401\)' -- --key sk_test_wrong plans
check 0 '^SLUG' '' -- --key "$OWOSTACK_SECRET_KEY" --url "$OWOSTACK_API_URL" --ca "$OWOSTACK_CA_FILE" plans
check 2 '' "cannot load ca_file '/dev/null'" -- --ca /dev/null plans

# Network and TLS failures: 3.
check 3 '' '^owostack: cannot reach http://127.0.0.1:1/v1' -- --url http://127.0.0.1:1/v1 plans
check 3 '' '^owostack: cannot reach https://127.0.0.1:[0-9]+/v1: TLS' -- --ca '' plans   # nothing trusts its CA

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
