// API-key scopes: what a key may call. Each route of the table names the scope it needs;
// `--api-key KEY:ORG[:SCOPES]` gives a key its scopes (default `*`, every scope).
#pragma once

#include <bitset>
#include <optional>
#include <string_view>

namespace owo::local {

enum class scope {
    public_page,   // no key at all: a browser page, as a payment provider's would be
    customers_read,
    customers_write,
    entities_read,
    entities_write,
    billing_read,
    billing_write,
};

/// The wire name, e.g. "customers:write" ("" for public_page, which no key needs).
std::string_view scope_name(scope s);

/// The scopes a key holds.
class scope_set {
public:
    static scope_set all();
    /// Parses "customers:read,billing:write" or "*"; nullopt (with `bad` set) on an unknown
    /// or empty entry.
    static std::optional<scope_set> parse(std::string_view list, std::string_view* bad = nullptr);

    bool holds(scope s) const { return s == scope::public_page || bits_.test(static_cast<std::size_t>(s)); }

private:
    std::bitset<8> bits_;
};

} // namespace owo::local
