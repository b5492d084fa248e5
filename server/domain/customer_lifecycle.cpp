// The customer lifecycle (see customer_lifecycle.hpp).
#include "domain/customer_lifecycle.hpp"

#include "domain/body_validator.hpp"
#include "domain/customers.hpp"
#include "domain/events.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace owo::local {

namespace json = boost::json;

domain_error customer_not_found() { return {error_kind::not_found, "Customer not found"}; }

void save_customer(const tenant& t, customer_row& c) {
    ++c.version;
    c.updated_at = t.now_ms;
    t.db.update_customer(c);
}

std::optional<customer_row> live_customer(const tenant& t, const std::string& id) {
    auto rows = t.db.customers_by_id(t.org, id);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

json::object apply_metadata(const std::optional<std::string>& stored, const json::object& patch, metadata_mode mode) {
    // Key order as JavaScript's {...stored, ...patch}: stored keys where they were, new ones after.
    // (json::object::erase would move the last key into the erased one's place.)
    json::object out, old;
    if (mode == metadata_mode::merge && stored) old = json::parse(*stored).as_object();
    for (const auto& kv : old) {
        auto given = patch.if_contains(kv.key());
        if (!given) out.emplace(kv.key(), kv.value());
        else if (!given->is_null()) out.emplace(kv.key(), *given);
    }
    for (const auto& kv : patch)
        if (!kv.value().is_null() && !out.contains(kv.key())) out.emplace(kv.key(), kv.value());
    return out;
}

json::array metadata_limit_issues(const json::object& metadata) {
    json::array issues;
    if (metadata.size() > max_metadata_keys)
        issues.push_back(bound_issue({"metadata"}, "object", false, max_metadata_keys,
                                     "Metadata may hold at most " + std::to_string(max_metadata_keys) + " keys"));
    for (const auto& kv : metadata)
        if (kv.key().size() > max_metadata_key_length)
            issues.push_back(issue("custom", {"metadata", kv.key()},
                                   "Metadata keys may be at most " + std::to_string(max_metadata_key_length) +
                                       " characters"));
    if (json::serialize(metadata).size() > max_metadata_bytes)
        issues.push_back(bound_issue({"metadata"}, "string", false, max_metadata_bytes,
                                     "Metadata may be at most " + std::to_string(max_metadata_bytes) + " bytes serialized"));
    return issues;
}

void soft_delete_customer(const tenant& t, customer_row& c, bool purge) {
    bool changed = false;
    if (!c.deleted_at) {
        c.deleted_at = t.now_ms;
        t.db.delete_entities(c.id);   // its seats are released, no longer counted
        changed = true;
    }
    if (purge && !c.purged) {
        c.purged = true;
        c.email = "deleted+" + c.id + "@invalid";
        c.name.clear();
        c.metadata.reset();
        c.external_id.reset();
        c.external_organization_id.reset();
        // Answers kept for Idempotency-Key replays would hand the erased data out again.
        t.db.erase_idempotency_mentioning(t.org, c.id);
        changed = true;
    }
    if (!changed) return;
    save_customer(t, c);
    customer_deleted(t, c);
}

result<customer_row> customer_by_external_id_or_email(const tenant& t, const std::optional<std::string>& external_id,
                                                     const std::optional<std::string>& email, bool include_deleted) {
    auto key = email ? std::optional<std::string>(normalized_email(*email)) : std::nullopt;
    auto rows = external_id ? t.db.customers_by_external_id(t.org, *external_id) : t.db.customers_by_email(t.org, *key);
    if (rows.size() > 1) return ambiguous_customer(t.org, external_id ? "external id" : "email", external_id ? *external_id : *email);
    if (rows.size() == 1) return std::move(rows.front());
    if (include_deleted)
        if (auto gone = t.db.last_deleted_customer(t.org, external_id, key)) return std::move(*gone);
    return customer_not_found();
}

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char ch) {
    for (int i = 0; i < 64; ++i)
        if (alphabet[i] == ch) return i;
    return -1;
}

} // namespace

std::string encode_cursor(const customer_row& last) { return encode_cursor(last.created_at, last.id); }

std::string encode_cursor(std::int64_t created_at, const std::string& id) {
    std::string raw = std::to_string(created_at) + ":" + id, out;
    unsigned bits = 0, acc = 0;
    for (unsigned char ch : raw) {
        acc = (acc << 8) | ch;
        bits += 8;
        while (bits >= 6) out += alphabet[(acc >> (bits -= 6)) & 63];
    }
    if (bits) out += alphabet[(acc << (6 - bits)) & 63];
    return out;
}

std::optional<list_cursor> decode_cursor(std::string_view text) {
    std::string raw;
    unsigned bits = 0, acc = 0;
    for (char ch : text) {
        int v = sextet(ch);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) raw += static_cast<char>((acc >> (bits -= 8)) & 0xff);
    }
    auto colon = raw.find(':');
    if (colon == std::string::npos || colon + 1 == raw.size()) return std::nullopt;
    list_cursor c;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + colon, c.created_at);
    if (ec != std::errc() || end != raw.data() + colon) return std::nullopt;
    c.id = raw.substr(colon + 1);
    return c;
}

} // namespace owo::local
