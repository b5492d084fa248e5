// Moving an organisation's rows to another id (issue #26): earlier versions made a key given
// without ORG its own organisation, so the secret key was stored as the organisation id in every
// row. At start-up such rows move to the organisation the key belongs to now. The statements are
// the same on both stores: written here in SQLite's ?N spelling, which the PostgreSQL store turns
// into $N once.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <array>
#include <string>

namespace owo::local {

/// 1 when any row names organisation ?1. Every organisation that ever served a request has a
/// catalog row (saved at each start), and every other row hangs off a customer, an endpoint or
/// one of these, so indexed look-ups suffice.
inline constexpr const char* organisation_exists_sql =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM catalogs WHERE org = ?1) OR EXISTS (SELECT 1 FROM customers WHERE org = ?1) "
    "OR EXISTS (SELECT 1 FROM events WHERE org = ?1) OR EXISTS (SELECT 1 FROM webhook_endpoints WHERE org = ?1) "
    "OR EXISTS (SELECT 1 FROM idempotency WHERE org = ?1) THEN 1 ELSE 0 END";

/// Every table with an `org` column: ?1 the old id, ?2 the new one; each returns one row per row
/// moved. Recorded answers (idempotency) name the organisation in two texts, rewritten too: an
/// invoice's "organizationId" (?3 -> ?4) and the ambiguous-customer message (?5 -> ?6).
inline constexpr std::array<const char*, 10> organisation_move_sql{
    "UPDATE customers SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE subscriptions SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE payment_methods SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE invoices SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE payment_sessions SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE catalogs SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE events SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE webhook_endpoints SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE webhook_deliveries SET org = ?2 WHERE org = ?1 RETURNING 1",
    "UPDATE idempotency SET org = ?2, body = REPLACE(REPLACE(body, ?3, ?4), ?5, ?6) WHERE org = ?1 RETURNING 1",
};

/// The parameters ?3..?6 of the idempotency statement: how a recorded JSON answer spells `org`.
inline std::array<std::string, 2> recorded_answer_texts(const std::string& org) {
    std::string quoted = boost::json::serialize(boost::json::string(org));   // "…" with JSON escapes
    return {"\"organizationId\":" + quoted, "organization '" + quoted.substr(1, quoted.size() - 2) + "' match"};
}

} // namespace owo::local
