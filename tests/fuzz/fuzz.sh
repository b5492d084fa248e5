#!/usr/bin/env bash
# Builds the fuzz targets with clang's libFuzzer (+ASan/UBSan) and runs each for a bounded time.
#   bash tests/fuzz/fuzz.sh [seconds-per-target]      (default 60)
# Needs: apt-get install clang-14 libclang-rt-14-dev. New crashes land in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ]; then echo "clang++ not found: apt-get install clang-14 libclang-rt-14-dev" >&2; exit 1; fi
mkdir -p build-fuzz/corpus-response build-fuzz/corpus-request
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc)
"$cxx" "${flags[@]}" tests/fuzz/response_fuzz.cpp src/response.cpp src/json_mapping.cpp src/error.cpp \
  -lboost_json -o build-fuzz/response_fuzz
# The working corpus starts from the checked-in seeds; new finds stay in build-fuzz/.
build-fuzz/response_fuzz -max_total_time="$secs" -max_len=4096 -artifact_prefix=build-fuzz/ \
  build-fuzz/corpus-response tests/fuzz/corpus/response

# owostack-local's request handling (sans-I/O api over an in-memory store).
"$cxx" "${flags[@]}" -Iserver tests/fuzz/request_fuzz.cpp server/api.cpp server/api_customers.cpp \
  server/api_entities.cpp server/api_billing.cpp server/body_validator.cpp server/reply.cpp server/catalog.cpp \
  server/store.cpp server/sqlite.cpp src/ids.cpp src/validation.cpp \
  -lboost_json -lboost_url -lsqlite3 -lssl -lcrypto -o build-fuzz/request_fuzz
build-fuzz/request_fuzz -max_total_time="$secs" -max_len=8192 -artifact_prefix=build-fuzz/ \
  build-fuzz/corpus-request tests/fuzz/corpus/request
