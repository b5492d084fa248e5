#!/usr/bin/env bash
# Static analysis (not part of test.sh: it takes minutes): clang-tidy with the checks of
# .clang-tidy over src/, server/, cli/ and identifiers/, in the configure-only build dir
# build-tidy (nothing is compiled). Any finding fails. Extra arguments go to ctest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
owo_install_deps
owo_install_deps "${OWO_TIDY_PACKAGES[@]}"
cd "$OWO_ROOT"
cmake --preset tidy >/dev/null
ctest --preset tidy "$@"
