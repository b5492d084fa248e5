#!/usr/bin/env bash
# README command two: install what is missing, build everything, run every test.
# Extra arguments go to ctest (e.g. `-L unit`, `-L server`, `-R chaos`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
owo_install_deps
owo_build
ctest --test-dir "$OWO_BUILD_DIR" --output-on-failure -j2 "$@"
