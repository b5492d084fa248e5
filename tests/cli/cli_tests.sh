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

# fail WHY: count a failure found outside check().
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }
# lines_of_last N: the last check's stdout had N lines.
lines_of_last() {
  checks=$((checks + 1))
  local n; n="$(wc -l <"$out")"
  [ "$n" -eq "$1" ] || fail "expected $1 lines of output, got $n"
}
# no_stderr_from_last: the last check wrote nothing on stderr (e.g. no progress line off a terminal).
no_stderr_from_last() {
  checks=$((checks + 1))
  [ ! -s "$err" ] || { fail "expected no stderr"; sed 's/^/  stderr: /' "$err"; }
}
# id_of EMAIL: the internal id of the customer with that email (deleted ones too).
id_of() { "$bin" customers find --email "$1" --include-deleted --json | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'; }

email="cli-$$-$RANDOM@example.com"

# Help, everywhere.
check 0 '^usage: owostack .*COMMAND' '' -- --help
check 0 'customers get CUSTOMER_ID' '' -- customers --help
check 0 '^usage: owostack plans' '' -- plans --help
check 0 '^usage: owostack customers create' '' -- customers create -h
check 0 '^usage: owostack entities add CUSTOMER FEATURE ENTITY' '' -- entities add --help
check 0 '^usage: owostack entities remove' '' -- --json entities remove --help
check 0 '^usage: owostack entities list' '' -- entities list --help
check 0 '^usage: owostack customers list \[OPTIONS\]' '' -- customers list --help
check 0 '^  --include-deleted ' '' -- customers list --help
check 0 '^usage: owostack customers unresolved' '' -- customers unresolved --help
check 0 '^  --external-id ID ' '' -- customers find --help
check 0 '^  --expected-version N ' '' -- customers update --help
check 0 '^usage: owostack customers delete CUSTOMER_ID' '' -- customers delete --help
check 0 '^usage: owostack customers bind CUSTOMER_ID EXTERNAL_ID' '' -- customers bind -h
check 0 'customers unresolved' '' -- customers --help

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

# The customer lifecycle, within an organisation of this run: 5 customers, 3 with an external id.
org="cli-org-$$-$RANDOM"
for i in 1 2 3 4 5; do
  ext=(); [ "$i" -le 3 ] && ext=(--id "$org-ext-$i")
  "$bin" customers create --email "c$i@$org.example" --name "Member $i" --org "$org" "${ext[@]}" >/dev/null ||
    fail "customers create c$i"
done
c1="$(id_of "c1@$org.example")" c4="$(id_of "c4@$org.example")" c5="$(id_of "c5@$org.example")"
[ -n "$c1" ] && [ -n "$c4" ] && [ -n "$c5" ] || fail "no ids from customers find --json"

# list: every page (--limit 2: three pages), as a table or JSON lines.
check 0 '^ID +EMAIL +NAME +EXTERNAL ID +ORGANIZATION +VERSION +CREATED$' '' -- customers list --org "$org" --limit 2
check 0 '^5 customers$' '' -- customers list --org "$org" --limit 2
check 0 "^$c4 +c4@$org.example +Member 4 +- +$org +1 +20" '' -- customers list --org "$org" --limit 2
no_stderr_from_last   # not a terminal: no progress line
check 0 "^\\{\"id\":\"$c1\",\"email\":\"c1@$org.example\".*\"externalId\":\"$org-ext-1\"" '' -- customers list --org "$org" --limit 2 --json
lines_of_last 5
check 0 '"externalOrganizationId":"'"$org"'","version":1,"deletedAt":null\}$' '' -- --json customers list --org "$org"
check 0 '^1 customer$' '' -- customers list --email "C3@$org.example"
check 0 '^0 customers$' '' -- customers list --org "$org-nobody"
check 0 '' '' -- customers list --org "$org-nobody" --json
lines_of_last 0
check 2 '' "--limit must be an integer from 1 to 100, not '0'" -- customers list --limit 0
check 2 '' "--limit must be an integer from 1 to 100, not 'ten'" -- customers list --limit ten
check 2 '' 'option --limit needs a value' -- customers list --limit
check 2 '' 'takes 0 argument' -- customers list everyone
check 2 '' "'customers list' has no option --purge" -- customers list --purge

# The progress line: on a terminal only, once the listing is slow (here: at once), then erased.
if command -v script >/dev/null; then
  OWOSTACK_PROGRESS_DELAY_MS=0 script -qec "$(printf '%q ' "$bin" customers list --org "$org" --limit 1)" /dev/null \
    </dev/null >"$out" 2>&1
  checks=$((checks + 1))
  grep -q 'fetched 5 customers\.\.\.' "$out" && grep -Eq $'\r +\rID +EMAIL' "$out" && grep -q '^5 customers' "$out" ||
    { fail "customers list on a terminal: no progress line, or not erased before the table"; od -c "$out" | head -20; }
else
  echo "skip: no script(1) for the terminal check"
fi

# unresolved: the live customers without an external id.
check 0 '^2 customers$' '' -- customers unresolved --org "$org" --limit 1
check 0 "^$c5 +c5@$org.example" '' -- customers unresolved --org "$org"
check 0 '"externalId":null' '' -- customers unresolved --org "$org" --json
lines_of_last 2
check 2 '' "'customers unresolved' has no option --include-deleted" -- customers unresolved --include-deleted

# find: by exactly one of id, external id, email; never creates.
check 0 "^email +c1@$org.example" '' -- customers find --id "$c1"
check 0 "^id +$c1" '' -- customers find --external-id "$org-ext-1"
check 0 "^external id +$org-ext-1" '' -- customers find --email "c1@$org.example"
check 0 "^organization +$org" '' -- customers find --email "c1@$org.example"
check 0 '"version":1' '' -- customers find --email "c1@$org.example" --json
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers find --email "nobody@$org.example"
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers find --external-id "$org-nobody"
check 2 '' 'needs exactly one of --id, --external-id and --email' -- customers find
check 2 '' 'needs exactly one of --id, --external-id and --email' -- customers find --id "$c1" --email "c1@$org.example"
check 2 '' 'takes 0 argument' -- customers find "$c1"

# update: what is given, nothing else; --expected-version guards against lost updates.
check 0 '^version +2$' '' -- customers update "$c1" --name "Renamed" --metadata '{"tier":"gold","seats":3}' --expected-version 1
check 0 '^name +Renamed$' '' -- customers get "$c1"
check 1 '' '^owostack: version_conflict: .*version 2 \(HTTP 409\)$' -- customers update "$c1" --name "Lost" --expected-version 1
check 0 '^name +Renamed$' '' -- customers get "$c1"   # the refused update changed nothing
check 0 '"metadata":\{"tier":"gold"\}' '' -- customers update "$c1" --metadata '{"seats":null}' --json
check 0 '"metadata":\{"plan":"pro"\}' '' -- customers update "$c1" --metadata '{"plan":"pro"}' --replace-metadata --json
check 0 '^organization +-$' '' -- customers update "$c1" --clear-org
check 0 "^organization +$org\$" '' -- customers update "$c1" --org "$org" --email "C1-new@$org.example"
check 0 "^email +c1-new@$org.example" '' -- customers get "$c1"
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers update no-such-customer --name x
check 1 '' 'email_conflict' -- customers update "$c1" --email "c2@$org.example"
check 2 '' 'needs something to change' -- customers update "$c1"
check 2 '' 'needs something to change' -- customers update "$c1" --expected-version 3
check 2 '' '--replace-metadata needs --metadata' -- customers update "$c1" --replace-metadata --name x
check 2 '' '--org and --clear-org exclude each other' -- customers update "$c1" --org a --clear-org
check 2 '' "--expected-version must be an integer from 1 to .*, not '0'" -- customers update "$c1" --name x --expected-version 0
check 2 '' 'must be a JSON object' -- customers update "$c1" --metadata 'tier=gold'
check 2 '' 'takes 1 argument' -- customers update --name x
check 2 '' "'customers update' has no option --purge" -- customers update "$c1" --purge

# bind: an unresolved customer gets its external id, once.
check 0 "^external id +$org-ext-5$" '' -- customers bind "$c5" "$org-ext-5"
check 0 '^1 customer$' '' -- customers unresolved --org "$org"
check 0 "^id +$c5" '' -- customers find --external-id "$org-ext-5"
check 1 '' '^owostack: [a-z_]+: .*\(HTTP 409\)' -- customers bind "$c5" "$org-other"
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers bind no-such-customer "$org-x"
check 2 '' 'takes 2 argument' -- customers bind "$c5"

# delete: soft (found only with --include-deleted), or purged.
check 0 "^deleted $c4\$" '' -- customers delete "$c4"
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers find --id "$c4"
check 0 '^deleted +20' '' -- customers find --id "$c4" --include-deleted
check 0 '^4 customers$' '' -- customers list --org "$org"
check 0 '^ID +EMAIL .* +CREATED +DELETED$' '' -- customers list --org "$org" --include-deleted
check 0 "^$c4 .* +20[0-9T:-]+Z +20[0-9T:-]+Z\$" '' -- customers list --org "$org" --include-deleted
check 0 '"deletedAt":"20' '' -- customers list --org "$org" --include-deleted --json
lines_of_last 5
check 0 "^\\{\"id\":\"$c5\",\"deleted\":true,\"purged\":true\\}\$" '' -- customers delete "$c5" --purge --json
check 1 '' 'not_found: .*\(HTTP 404\)' -- customers delete no-such-customer
check 2 '' 'takes 1 argument' -- customers delete
check 2 '' 'option --purge takes no value' -- customers delete "$c4" --purge=yes

# sync: a catalog file (the sync payload's shape) created, then unchanged; problems listed (2).
cat_file="$(mktemp)" bad_file="$(mktemp)"
cat >"$cat_file" <<JSON
{"features":[{"slug":"cli-calls","type":"metered","name":"Calls"},{"slug":"cli-seats","type":"metered","name":"Seats","meterType":"non_consumable"}],
 "creditSystems":[],"creditPacks":[],
 "plans":[{"slug":"cli-pro","name":"Pro","price":1500,"currency":"USD","interval":"monthly","features":[
   {"slug":"cli-calls","enabled":true,"limit":1000,"reset":"monthly","overage":"charge","overagePrice":5},
   {"slug":"cli-seats","enabled":true,"limit":3,"reset":"never"}]}]}
JSON
cat >"$bad_file" <<JSON
{"features":[{"slug":"cli-x","type":"metered","name":"X"},{"slug":"cli-x","type":"metered","name":"X"}],
 "plans":[{"slug":"cli-bad","name":"Bad","price":-1,"currency":"USD","interval":"monthly","features":[{"slug":"cli-ghost","enabled":true}]}]}
JSON
check 0 '^features +2 +0 +0$' '' -- sync "$cat_file"
check 0 '^plans +0 +0 +1$' '' -- sync "$cat_file"   # the second time: unchanged
check 0 '"plans":\{"created":\[\],"updated":\[\],"unchanged":\["cli-pro"\]\}' '' -- sync "$cat_file" --json
check 0 '2 features, 0 credit systems, 0 credit packs, 1 plans; no problems' '' -- sync "$cat_file" --check
check 2 '' 'has 3 problems:' -- sync "$bad_file"
check 2 '' "plan 'cli-bad' feature 'cli-ghost': not declared in the catalog" -- sync "$bad_file"
check 2 '' 'cannot read /no/such/catalog.json' -- sync /no/such/catalog.json
check 0 '^usage: owostack sync CATALOG_FILE' '' -- sync --help
rm -f "$cat_file" "$bad_file"
# events tail: the events in order (the server is shared by this script alone: they start at 1).
check 0 '^1  20[0-9T:.-]+Z  customer.created  ' '' -- events tail
check 0 '  entity.added  .*  seat-1$' '' -- events tail --type entity.added
lines_of_last 1
check 0 '  entity.removed  ' '' -- events tail --type entity.added,entity.removed
check 0 '"type":"entity.added"' '' -- events tail --type entity.added --json
check 0 '' '' -- events tail --after 1000000
lines_of_last 0
check 2 '' "unknown event type 'nope'" -- events tail --type nope

# Flags override the environment; the key is never echoed.
check 1 '' '^owostack: unauthorized: .*\(HTTP 401\)' -- --key sk_test_wrong plans
check 0 '^SLUG' '' -- --key "$OWOSTACK_SECRET_KEY" --url "$OWOSTACK_API_URL" --ca "$OWOSTACK_CA_FILE" plans
check 2 '' "cannot load ca_file '/dev/null'" -- --ca /dev/null plans

# Network and TLS failures: 3.
check 3 '' '^owostack: cannot reach http://127.0.0.1:1/v1' -- --url http://127.0.0.1:1/v1 plans
check 3 '' '^owostack: cannot reach https://127.0.0.1:[0-9]+/v1: TLS' -- --ca '' plans   # nothing trusts its CA

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
