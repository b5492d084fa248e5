// Errors: one error category for Owostack's failures, and the diagnostics that travel with them.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace owo {

/// Failures reported by the Owostack API or judged by the SDK itself.
/// Transport failures (DNS, TCP, TLS, timeouts) are reported as the underlying Asio/SSL codes.
enum class error {
    // Judged by the SDK before anything is sent.
    invalid_argument = 1,   ///< empty id, malformed email, control characters, bad config
    // Reported by the server.
    unauthorized,           ///< 401: missing or unknown API key
    forbidden,              ///< 403
    invalid_request,        ///< 400: validation failure
    customer_not_found,     ///< 404 "Customer not found"
    feature_not_found,      ///< 404 "Feature not found"
    entity_not_found,       ///< 404 "Entity not found"
    plan_not_found,         ///< 404 "Plan '<slug>' not found"
    not_found,              ///< any other 404 (unknown route, proxy)
    entity_exists,          ///< 409 "Entity already exists"
    conflict,               ///< any other 409 (ambiguous customer, idempotency key reuse)
    limit_exceeded,         ///< 400 code "limit_exceeded" (see diagnostics::current / limit)
    payload_too_large,      ///< 413
    rate_limited,           ///< 429 after retries ran out
    server_error,           ///< 5xx with the API's JSON error body, after retries ran out
    unexpected_status,      ///< any other non-2xx status, or a non-JSON 5xx page (a proxy's)
    // Judged by the SDK on what came back.
    bad_response,           ///< not the JSON it should be, or over the size limit
    timeout,                ///< the per-call deadline passed
    pool_exhausted,         ///< no connection became free before the deadline
    not_supported,          ///< an owostack-local extension asked of the hosted API (judged before sending,
                            ///< or from a plain-text 404 answering the extension's route)
};

/// The category of owo::error ("owostack").
const boost::system::error_category& get_error_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), get_error_category()};
}

/// What the server (or the SDK) said about a failure, beyond its error_code.
/// Never contains the secret key.
struct diagnostics {
    int http_status = 0;                  ///< 0 when no response arrived
    std::string code;                     ///< server's code string (e.g. "limit_exceeded"), or one derived from the status
    std::string message;                  ///< server's message, or the SDK's own explanation
    std::optional<double> current;        ///< limit_exceeded: units in use
    std::optional<double> limit;          ///< limit_exceeded: the plan's limit
    std::optional<std::string> feature;   ///< limit_exceeded: the feature slug
    std::string request_id;               ///< server's request id header, when it sent one
    int attempts = 0;                     ///< how many attempts the call made
    boost::json::object body;             ///< the error body as received (empty when not JSON)
    std::optional<std::string> required_scope;   ///< 403 insufficient_scope: the scope the key lacks
    std::optional<std::int64_t> current_version; ///< 409 version_conflict: the customer's version now

    void clear() { *this = diagnostics{}; }
};

/// Thrown by the awaitable operations: an error_code plus everything the server said.
class api_error : public boost::system::system_error {
public:
    api_error(boost::system::error_code ec, diagnostics diag);

    const diagnostics& diag() const noexcept { return diag_; }
    int http_status() const noexcept { return diag_.http_status; }
    const std::string& server_code() const noexcept { return diag_.code; }
    const std::string& server_message() const noexcept { return diag_.message; }
    /// "owostack HTTP 400 [limit_exceeded] <server message>: <error text> [<category>:<value>]";
    /// never the secret key, and no source locations.
    const char* what() const noexcept override { return what_.c_str(); }

private:
    diagnostics diag_;
    std::string what_;
};

} // namespace owo

template <>
struct boost::system::is_error_code_enum<owo::error> : std::true_type {};
