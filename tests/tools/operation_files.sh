#!/usr/bin/env bash
# Checks the foundation's promise: an operation is written in at most three files of include/
# and src/ (its params/result types, the table, the JSON mapping). Counts, per operation of the
# table, the files whose code (comments stripped) refers to it: its row, NAME_params or
# NAME_result, async_NAME, op::NAME or a call .NAME( / ->NAME(.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
table="$root/include/owostack/operations.hpp"
ops=$(sed -n 's/^ *X(\([a-z_]*\),.*/\1/p' "$table")
[ -n "$ops" ] || { echo "no operations found in $table"; exit 1; }
status=0
for op in $ops; do
  files=$(cd "$root" && for f in $(find include src -name '*.hpp' -o -name '*.cpp'); do
            sed -e 's://.*$::' "$f" | grep -E "X\($op,|\b${op}_(params|result)\b|\basync_${op}\b|op::${op}\b|(\.|->)${op}\(" >/dev/null && echo "$f" || true
          done | sort | tr '\n' ' ')
  n=$(wc -w <<<"$files")
  printf '%-16s %d  %s\n' "$op" "$n" "$files"
  [ "$n" -le 3 ] || status=1
done
[ $status -eq 0 ] && echo "every operation is written in at most 3 files" || echo "FAILED: an operation is written in more than 3 files"
exit $status
