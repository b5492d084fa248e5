// Client configuration.
#pragma once

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace owo {

/// Which hosted Owostack environment to talk to when no api_url is given.
enum class mode { live, sandbox };

/// One attempt of one HTTP request, as seen by config::on_request. Never carries the secret key.
struct request_event {
    std::string_view method;           ///< "GET" / "POST"
    std::string_view path;             ///< path and query, e.g. "/v1/entities?customer=..."
    int status = 0;                    ///< HTTP status, 0 when no response arrived
    int attempt = 1;                   ///< 1 for the first attempt
    std::chrono::microseconds latency{};
    std::string_view idempotency_key;  ///< empty for GETs
    boost::system::error_code error;   ///< transport or protocol failure of this attempt
    bool reused_connection = false;    ///< the attempt ran on a pooled keep-alive connection
};

/// Counters of one client's connection pool (see client::stats()).
struct pool_counters {
    std::uint64_t connections_opened = 0;   ///< dials attempted
    std::uint64_t tls_handshakes = 0;       ///< handshakes completed
    std::uint64_t reuses = 0;               ///< calls served by an idle keep-alive connection
    std::size_t open_connections = 0;       ///< idle + in use, now
    std::size_t idle_connections = 0;
};

/// Connection pool bounds (per client; a client talks to one origin).
struct pool_params {
    std::size_t max_connections = 16;
    /// Idle connections older than this are closed instead of reused; keep it below the
    /// server's keep-alive timeout.
    std::chrono::milliseconds idle_timeout{30'000};
};

/// Retry policy. See README "Timeouts, retries and idempotency".
struct retry_params {
    int max_retries = 2;                                ///< retries after the first attempt
    std::chrono::milliseconds initial_backoff{500};     ///< backoff = initial * (1 + n^2), jittered 75-100%
    std::chrono::milliseconds max_backoff{5'000};       ///< cap for backoff and for Retry-After
};

/// Whether the server honours Idempotency-Key (the hosted service does not; owostack-local does).
enum class idempotency_support {
    detect,        ///< learn it from the server's responses (the default)
    honoured,      ///< trust that it does: every POST is safe to retry
    not_honoured,  ///< assume it does not: usage-counting POSTs are retried only when unsent
};

/// Client configuration: the key, where to connect, timeouts, retries, pool and TLS trust.
struct config {
    /// Bearer secret key. Required; never logged, never in an error message.
    std::string secret_key;
    /// Hosted environment used when api_url is empty.
    owo::mode mode = owo::mode::live;
    /// Explicit base URL ("https://host[:port]/v1"); wins over mode. http:// only for loopback.
    std::string api_url;

    /// Deadline for one whole call, retries and backoff included.
    std::chrono::milliseconds request_timeout{30'000};
    /// Bounds of each phase of one attempt.
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds io_timeout{20'000};       ///< write or read of one message

    retry_params retry;
    pool_params pool;
    idempotency_support idempotency = idempotency_support::detect;

    /// Extra PEM file of trusted CAs (e.g. owostack-local's generated CA). The system trust
    /// store is used as well unless use_system_trust_store is false.
    std::string ca_file;
    bool use_system_trust_store = true;
    /// Turns certificate verification OFF. Only for debugging; the client prints a warning.
    bool insecure_skip_tls_verify = false;

    /// Appended to the User-Agent header.
    std::string user_agent_suffix;
    /// Largest response body accepted.
    std::size_t max_response_bytes = 8 * 1024 * 1024;

    /// Called once per attempt, on the thread running that call (possibly several threads at
    /// once). Keep it cheap and thread-safe.
    std::function<void(const request_event&)> on_request;

    /// A config from OWOSTACK_SECRET_KEY, OWOSTACK_API_URL and OWOSTACK_CA_FILE (when set).
    static config from_env();
};

} // namespace owo
