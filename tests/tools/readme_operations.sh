#!/usr/bin/env bash
# The README's operation table may not drift from the operation table: every row of
# OWOSTACK_OPERATIONS must have a README row naming the operation and its METHOD /v1/path, and
# the README may list no operation the table lacks.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# The rows: operations.hpp and the resource headers (catalog.hpp, billing.hpp, ...).
tables=("$root"/include/owostack/*.hpp)
# Only the section "### Every operation" up to the next heading.
readme=$(mktemp)
trap 'rm -f "$readme"' EXIT
awk '/^### Every operation/{on=1; next} on && /^#/{exit} on' "$root/README.md" > "$readme"
status=0
declared=""
while read -r name method path; do
  declared+=" $name"
  verb=$(tr 'a-z' 'A-Z' <<<"${method%_}")
  # {customer id} / {customer} / {plan slug} are written {id} / {slug} in the README.
  route="/v1/$(sed -E 's/\{plan slug\}/{slug}/; s/\{customer[^}]*\}/{id}/g; s/\{invoice id\}/{id}/' <<<"$path")"
  row=$(grep -E "^\| \`$name\`( \[\`[a-z_]+\`\])? \|" "$readme" || true)
  if [ -z "$row" ]; then echo "README: no row for operation $name"; status=1; continue; fi
  if ! grep -qF "\`$verb $route\`" <<<"$row"; then echo "README: row of $name lacks \`$verb $route\`: $row"; status=1; fi
done < <(cat "${tables[@]}" | sed -n 's/^ *X(\([a-z_]*\), *\([a-z_]*\), *"\([^"]*\)".*/\1 \2 \3/p')
for listed in $(sed -n 's/^| `\([a-z_]*\)`.*/\1/p' "$readme" | sort -u); do
  grep -qw "$listed" <<<"$declared" || { echo "README lists $listed, which operations.hpp does not declare"; status=1; }
done
[ $status -eq 0 ] && echo "README's operation table matches operations.hpp ($(wc -w <<<"$declared") operations)"
exit $status
