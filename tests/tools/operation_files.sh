#!/usr/bin/env bash
# Checks the foundation's promise: an operation is written in at most three files of include/
# and src/ (its params/result types, the table, the JSON mapping). Counts, per operation of the
# table, the files whose code (comments stripped) refers to it: its row, NAME_params or
# NAME_result, async_NAME, op::NAME or a call .NAME( / ->NAME(.
#
# Rows live in operations.hpp (the customer and seat operations) and in the header of a resource
# of their own (catalog.hpp, credits.hpp, billing.hpp, wallet.hpp: row + params + results, with
# the mapping in the resource's src/ file: two files). The feature handles (features.hpp,
# src/features.cpp) are not counted: like examples/, they call check/track/... through the public
# API and write none of them (no row, no type, no mapping).
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ops=$(cat "$root"/include/owostack/*.hpp | sed -n 's/^ *X(\([a-z_]*\),.*/\1/p')
[ -n "$ops" ] || { echo "no operations found in $root/include/owostack"; exit 1; }
callers="include/owostack/features.hpp src/features.cpp"
status=0
for op in $ops; do
  files=$(cd "$root" && for f in $(find include src -name '*.hpp' -o -name '*.cpp'); do
            case " $callers " in *" $f "*) continue ;; esac
            sed -e 's://.*$::' "$f" | grep -E "X\($op,|\b${op}_(params|result)\b|\basync_${op}\b|op::${op}\b|(\.|->)${op}\(" >/dev/null && echo "$f" || true
          done | sort | tr '\n' ' ')
  n=$(wc -w <<<"$files")
  printf '%-16s %d  %s\n' "$op" "$n" "$files"
  [ "$n" -le 3 ] || status=1
done
[ $status -eq 0 ] && echo "every operation is written in at most 3 files" || echo "FAILED: an operation is written in more than 3 files"
exit $status
