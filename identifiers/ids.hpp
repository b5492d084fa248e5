// Random identifiers (idempotency keys).
#pragma once
#include <string>

namespace owo::detail {
/// A random UUID v4 string from OpenSSL's CSPRNG (drawn in batches per thread; fork-safe).
std::string make_uuid_v4();
} // namespace owo::detail
