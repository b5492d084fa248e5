// Random identifiers (idempotency keys).
#pragma once
#include <cstddef>
#include <string>

namespace owo::detail {
/// A random UUID v4 string from OpenSSL's CSPRNG (drawn in batches per thread; fork-safe).
std::string make_uuid_v4();
/// `n` bytes as lower-case hex (digests, signatures, secrets).
std::string lower_hex(const unsigned char* bytes, std::size_t n);
} // namespace owo::detail
