// Webhooks of owostack-local (issue #18, docs/protocol.md §4.16): verifying a delivery and
// reading its event. No io_context, no network: a receiver calls it with the request's bytes.
//
//     auto e = owo::webhook::verify(body, req["Owostack-Signature"], secret);   // throws verification_error
//     if (auto seat = owo::entity_event_of(e)) std::cout << seat->entity.id << " " << seat->count << "\n";
#pragma once

#include <owostack/types.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace owo {

/// customer.created / .updated / .deleted / .bound: the customer after the change.
struct customer_event {
    customer_record customer;
    boost::json::object previous_attributes;   ///< customer.updated: the changed fields' values before
    bool purged = false;                       ///< customer.deleted: personal data erased
};

/// entity.added / .removed / .restored: the seat, and the feature's count and limit after.
struct entity_event {
    std::string customer_id;
    owo::entity entity;
    std::int64_t count = 0;
    std::optional<std::int64_t> limit;         ///< none: unlimited
};

/// The typed view of a customer event; nullopt for other types. Throws
/// webhook::verification_error (malformed_body) when its data is not a customer.
std::optional<customer_event> customer_event_of(const event& e);
/// The typed view of an entity event; nullopt for other types (throws as above).
std::optional<entity_event> entity_event_of(const event& e);

namespace webhook {

/// The name of the signature header, and of the event id header (de-duplicate by it).
inline constexpr std::string_view signature_header_name = "Owostack-Signature";
inline constexpr std::string_view event_id_header_name = "Owostack-Event-Id";

enum class verify_errc {
    malformed_header = 1,          ///< not "t=<seconds>,v1=<64 hex>[,v1=…]"
    bad_signature,                 ///< no v1 matches: wrong secret, or body/timestamp changed
    timestamp_outside_tolerance,   ///< signed too long ago (a replay) or too far ahead
    malformed_body,                ///< signed, but not an event
};

const boost::system::error_category& verify_category() noexcept;
boost::system::error_code make_error_code(verify_errc e) noexcept;

/// What verify throws; code() says which check failed. The message never holds the secret.
class verification_error : public std::runtime_error {
public:
    explicit verification_error(boost::system::error_code ec);
    boost::system::error_code code() const noexcept { return ec_; }

private:
    boost::system::error_code ec_;
};

inline constexpr std::chrono::seconds default_tolerance{300};

/// Checks that `body` was signed with `secret` at a time within `tolerance` of `now`, then
/// decodes it. Any of the header's v1 signatures may match (both are sent while a rotated
/// secret's overlap lasts). The comparison takes the same time wherever the bytes differ.
event verify(std::string_view body, std::string_view signature_header, std::string_view secret,
             std::chrono::seconds tolerance = default_tolerance,
             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
/// The same without exceptions: `ec` set and an empty event on failure.
event verify(std::string_view body, std::string_view signature_header, std::string_view secret,
             std::chrono::seconds tolerance, std::chrono::system_clock::time_point now, boost::system::error_code& ec);

/// The v1 signature: lower-case hex HMAC-SHA256 of "<timestamp>.<body>" keyed with `secret`.
std::string v1_signature(std::int64_t timestamp, std::string_view body, std::string_view secret);
/// A whole header: "t=<timestamp>,v1=<signature>" with one v1 per secret, in order.
std::string signature_header(std::int64_t timestamp, std::string_view body, const std::vector<std::string_view>& secrets);

} // namespace webhook
} // namespace owo

template <>
struct boost::system::is_error_code_enum<owo::webhook::verify_errc> : std::true_type {};
