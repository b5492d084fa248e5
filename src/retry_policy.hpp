// When a failed attempt may be retried, and how long to wait. Pure logic (unit-tested).
#pragma once

#include <owostack/config.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace owo::detail {

/// What a retry of a request could do on a server that ignores Idempotency-Key.
enum class retry_safety {
    idempotent,     ///< GETs, resolve-or-create, attach, check without sendEvent
    entity_add,     ///< a retry may meet 409 "Entity already exists" (reported as already_present)
    entity_remove,  ///< a retry may meet 404 "Entity not found" (reported as already_removed)
    counts_usage,   ///< track, check with sendEvent: a blind retry could count usage twice
};

/// One failed attempt, as the retry rule sees it.
struct attempt_failure {
    boost::system::error_code transport_error;  ///< set when no complete response arrived
    int status = 0;                             ///< HTTP status when a response arrived
    bool may_have_reached_server = true;        ///< false: the request cannot have been processed
};

bool is_retryable(retry_safety safety, const attempt_failure& f, bool server_honours_keys);

/// True for failures that no retry can fix (certificate problems, cancellation, limits).
bool is_permanent_transport_error(const boost::system::error_code& ec);

/// Backoff before retry number `retry` (1-based): initial * (1 + (retry-1)^2), capped, then
/// scaled by `jitter` (expected in [0.75, 1]). A server's Retry-After wins, capped likewise.
std::chrono::milliseconds backoff_delay(const retry_params& p, int retry, double jitter,
                                        std::optional<std::chrono::milliseconds> retry_after);

/// Parses a Retry-After header value: delta-seconds, or an HTTP date (IMF-fixdate,
/// "Sun, 06 Nov 1994 08:49:37 GMT") taken relative to `now`. A date in the past means 0.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the HTTP date format servers must send.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

} // namespace owo::detail
