# Shared by the README commands. Sourced, not run.
set -euo pipefail

OWO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OWO_BUILD_DIR="${OWOSTACK_BUILD_DIR:-$OWO_ROOT/build}"
OWO_PACKAGES=(libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
              libssl-dev libsqlite3-dev cmake g++ make ccache pkg-config
              libpq-dev)
# What only the tests need: a PostgreSQL 15 server for the postgres-store suites (without it they
# print "skipped: postgres not available" and count as skipped).
OWO_TEST_PACKAGES=(postgresql-15)
# What only the static-analysis pass needs (scripts/tidy.sh).
OWO_TIDY_PACKAGES=(clang-tidy)

# owo_install_deps [packages...] (default: OWO_PACKAGES): installs the Debian packages that are
# missing (apt-get as root, sudo -n if possible); otherwise prints the exact command and fails.
# Does nothing when all are present.
owo_install_deps() {
  local missing=() p wanted=("$@")
  [ ${#wanted[@]} -eq 0 ] && wanted=("${OWO_PACKAGES[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "missing packages; run as root:" >&2
      echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# owo_build [targets...]: configure once, build with -j2 (JOBS overrides).
owo_build() {
  cmake -S "$OWO_ROOT" -B "$OWO_BUILD_DIR" -DCMAKE_BUILD_TYPE="${OWOSTACK_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  local args=()
  for t in "$@"; do args+=(--target "$t"); done
  cmake --build "$OWO_BUILD_DIR" -j"${JOBS:-2}" "${args[@]}"
}
