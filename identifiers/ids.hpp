// Random identifiers (idempotency keys).
#pragma once
#include <cstddef>
#include <string>

namespace owo::detail {
/// A random UUID v4 string from OpenSSL's CSPRNG (drawn in batches per thread; fork-safe).
std::string make_uuid_v4();
/// A UUID v7: the Unix time in milliseconds, then random bits. Ids made one after another sort
/// one after another, so a b-tree keyed by them grows at its right edge (a store's row ids).
std::string make_uuid_v7();
/// `n` bytes as lower-case hex (digests, signatures, secrets).
std::string lower_hex(const unsigned char* bytes, std::size_t n);
} // namespace owo::detail
