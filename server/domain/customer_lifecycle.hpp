// The customer lifecycle beyond create-or-resolve (protocol.md §4.14, issue #17): writing a
// customer row (its version), metadata updates and their limits, soft delete and purge, lookup
// by external id or email, and the opaque keyset cursor of customer lists.
#pragma once

#include "domain/result.hpp"
#include "domain/tenant.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace owo::local {

inline constexpr std::size_t max_metadata_keys = 50;
inline constexpr std::size_t max_metadata_key_length = 40;
inline constexpr std::size_t max_metadata_bytes = 16 * 1024;   // serialized

domain_error customer_not_found();

/// Stores every change made to `c`: version + 1, updatedAt = now.
void save_customer(const tenant& t, customer_row& c);

/// The live customer with internal id `id`, or nullopt (unknown or deleted).
std::optional<customer_row> live_customer(const tenant& t, const std::string& id);

enum class metadata_mode { merge, replace };

/// `patch` applied to the stored metadata: merge is shallow and a `null` value deletes the key;
/// replace takes `patch` as the whole object (its `null` values dropped likewise).
boost::json::object apply_metadata(const std::optional<std::string>& stored, const boost::json::object& patch,
                                   metadata_mode mode);

/// Validation issues (path "metadata") for an object over the limits: keys, key length, size.
boost::json::array metadata_limit_issues(const boost::json::object& metadata);

/// Soft-deletes `c` (deletedAt, its entities released) unless it is already, and with `purge`
/// erases its personal data for good; usage rows, which name only the internal id, stay.
void soft_delete_customer(const tenant& t, customer_row& c, bool purge);

/// A customer by external id or by email (exactly one given): a live match first; with
/// `include_deleted`, else the most recently deleted. Several live matches: the ambiguity 409.
result<customer_row> customer_by_external_id_or_email(const tenant& t, const std::optional<std::string>& external_id,
                                                     const std::optional<std::string>& email, bool include_deleted);

/// A list position: after the customer created at `created_at` with id `id`.
struct list_cursor {
    std::int64_t created_at = 0;
    std::string id;
};
/// base64url (no padding) of "<createdAt>:<id>".
std::string encode_cursor(const customer_row& last);
/// The same for any row listed by (created_at, id), e.g. an invoice.
std::string encode_cursor(std::int64_t created_at, const std::string& id);
std::optional<list_cursor> decode_cursor(std::string_view text);

} // namespace owo::local
