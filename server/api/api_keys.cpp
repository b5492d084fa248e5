// API keys: parsing, and the constant-time look-up (see api_keys.hpp).
#include "api/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <stdexcept>

namespace owo::local {

api_key_spec parse_api_key(std::string_view spec, std::size_t position) {
    auto where = [&] { return "--api-key #" + std::to_string(position); };
    auto colon = spec.find(':');
    api_key_spec k{std::string(spec.substr(0, colon)), std::string(default_organisation), scope_set::all()};
    if (colon != std::string_view::npos) {
        auto rest = spec.substr(colon + 1);
        auto scopes_at = rest.find(':');
        k.org = std::string(rest.substr(0, scopes_at));
        if (scopes_at != std::string_view::npos) {
            std::string_view bad;
            auto held = scope_set::parse(rest.substr(scopes_at + 1), &bad);
            if (!held)
                throw std::invalid_argument(where() + ": unknown scope '" + std::string(bad) +
                                            "' (customers:read, customers:write, entities:read, entities:write, "
                                            "billing:read, billing:write or *)");
            k.scopes = *held;
        }
    }
    if (k.key.empty() || k.org.empty()) throw std::invalid_argument(where() + " is not KEY[:ORG[:SCOPES]]");
    // An organisation id is stored in every row and shown in events and invoices; a key is a secret.
    if (k.org == k.key) throw std::invalid_argument(where() + ": ORG must not be the key itself");
    return k;
}

std::array<unsigned char, 32> api_key_table::digest(std::string_view text) {
    // Fetched once: OpenSSL 3 looks EVP_sha256() up in its provider store (under a lock) each time.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    std::array<unsigned char, 32> md{};
    unsigned len = 0;
    if (!EVP_Digest(text.data(), text.size(), md.data(), &len, sha256, nullptr) || len != md.size())
        throw std::runtime_error("SHA-256 failed");
    return md;
}

api_key_table::api_key_table(const std::map<std::string, std::string>& keys, const std::map<std::string, scope_set>& scopes) {
    for (const auto& [key, org] : keys) {
        auto held = scopes.find(key);
        entries_.push_back({digest(key), org, held == scopes.end() ? scope_set::all() : held->second});
    }
}

const api_key_table::entry* api_key_table::find(std::string_view presented) const {
    auto wanted = digest(presented);
    // Every entry is compared, whatever matched before; the match is selected without a branch.
    std::uintptr_t found = 0;
    for (const auto& e : entries_) {
        auto same = static_cast<std::uintptr_t>(CRYPTO_memcmp(wanted.data(), e.digest.data(), wanted.size()) == 0);
        found |= (0 - same) & reinterpret_cast<std::uintptr_t>(&e);
    }
    return reinterpret_cast<const entry*>(found);
}

} // namespace owo::local
