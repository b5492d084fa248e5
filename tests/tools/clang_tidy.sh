#!/usr/bin/env bash
# clang_tidy.sh BUILD_DIR [JOBS]: the static-analysis pass of issue #28 (ctest -L tidy).
# Runs clang-tidy with the checks of the top-level .clang-tidy over every translation unit of
# src/, server/, cli/ and identifiers/ in BUILD_DIR/compile_commands.json (their headers through
# HeaderFilterRegex); any finding fails. First it proves the checks still see the bugs they are
# there for, on tests/tools/tidy_canary.cpp. Without clang-tidy it skips (exit 77), loudly.
set -euo pipefail
build=$(cd "$1" && pwd)
jobs=${2:-2}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
  echo "skipped: clang-tidy not installed (Debian: apt-get install clang-tidy; scripts/test.sh installs it)"
  exit 77
fi
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json: configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON"; exit 1; }
"$tidy" --version | head -2

# 1. The canary: every "expect: CHECK" line must be reported by CHECK.
canary="$root/tests/tools/tidy_canary.cpp"
found=$("$tidy" --use-color=false --quiet "$canary" -- -std=c++20 2>&1 || true)
status=0
while IFS=: read -r line check; do
  # A finding reads "tidy_canary.cpp:LINE:COL: error: ... [CHECK,-warnings-as-errors]".
  if grep -E "tidy_canary\.cpp:$line:[0-9]+: " <<<"$found" | grep -qF "[$check"; then
    echo "canary: line $line reported by $check"
  else
    echo "canary: line $line NOT reported by $check"; status=1
  fi
done < <(grep -n 'expect: ' "$canary" | sed -E 's/^([0-9]+):.*expect: ([A-Za-z.-]+).*/\1:\2/')
[ $status -eq 0 ] || { echo "$found"; echo "the checks of .clang-tidy no longer catch the canary's bugs"; exit 1; }

# 2. The project's own code, one clang-tidy per translation unit, JOBS at a time. src/*_impl.cpp
# is only Boost's separately compiled sources.
files=$(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$build/compile_commands.json" |
        grep -E "^$root/(src|server|cli|identifiers)/" | grep -Ev '/src/(asio|asio_ssl|beast)_impl\.cpp$' | sort -u)
[ -n "$files" ] || { echo "no sources of src/, server/, cli/ in $build/compile_commands.json"; exit 1; }
echo "clang-tidy over $(wc -l <<<"$files") translation units, $jobs at a time"
start=$SECONDS
rc=0
xargs -P "$jobs" -n 1 "$tidy" -p "$build" --use-color=false --quiet <<<"$files" || rc=$?
echo "clang-tidy: $((SECONDS - start)) s, $( [ $rc -eq 0 ] && echo clean || echo FINDINGS above)"
exit $rc
