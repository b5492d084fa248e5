// The API keys owostack-local accepts, each with its organisation and scopes (issue #26).
// A key given without an organisation belongs to `default_organisation`: an organisation id is
// never derived from a secret, so keys can be rotated and never reach rows, events or logs.
// A presented key is compared with every configured key in constant time: the SHA-256 digests
// of both (so neither a shared prefix nor the length shows), with CRYPTO_memcmp, and no early
// exit over the list.
#pragma once

#include "api/scope.hpp"

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace owo::local {

/// The organisation of every key given without ORG, and of the default key.
inline constexpr std::string_view default_organisation = "local";

/// One `--api-key KEY[:ORG[:SCOPES]]` value.
struct api_key_spec {
    std::string key, org;
    scope_set scopes;
};

/// Parses `--api-key` values; `position` (1-based) names a bad one in the error, never its key.
/// Throws std::invalid_argument.
api_key_spec parse_api_key(std::string_view spec, std::size_t position);

class api_key_table {
public:
    struct entry {
        std::array<unsigned char, 32> digest;   // SHA-256 of the key
        std::string org;
        scope_set scopes;
    };

    /// `keys`: key -> organisation; `scopes`: key -> its scopes (a key not listed holds `*`).
    api_key_table(const std::map<std::string, std::string>& keys, const std::map<std::string, scope_set>& scopes);

    /// The entry whose key equals `presented`, or nullptr; the time taken depends only on the
    /// length of `presented` and the number of keys.
    const entry* find(std::string_view presented) const;

    /// SHA-256 of `text`.
    static std::array<unsigned char, 32> digest(std::string_view text);

private:
    std::vector<entry> entries_;
};

} // namespace owo::local
