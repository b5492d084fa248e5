// One logical API call: build the HTTP request, run attempts through the pool, retry by the
// retry rule with backoff inside the call's deadline, and report each attempt to the observer.
#pragma once

#include "connection_pool.hpp"
#include "retry_policy.hpp"
#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>

#include <random>
#include <string>

namespace owo::detail {

struct request_spec {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target;           ///< path and query, already encoded
    std::string body;             ///< JSON text (POST)
    retry_safety safety = retry_safety::idempotent;
    std::string idempotency_key;  ///< POST: the same on every attempt of this call
};

struct call_result {
    boost::system::error_code ec;
    diagnostics diag;
    boost::json::object body;                       ///< success body
    bool earlier_attempt_may_have_applied = false;  ///< a failed earlier attempt may have been processed
};

class transport {
public:
    transport(boost::asio::any_io_executor strand, const config& cfg, const base_url& base,
              boost::asio::ssl::context& tls);

    /// Runs on the strand. Never throws for failures it can describe; cancellation may throw.
    boost::asio::awaitable<call_result> execute(const request_spec& spec);

    const connection_pool& pool() const noexcept { return pool_; }
    bool server_honours_idempotency() const noexcept;

private:
    struct attempt;
    http_request build_request(const request_spec& spec) const;
    boost::asio::awaitable<attempt> run_attempt(const http_request& req, clock::time_point deadline);

    const config& cfg_;
    const base_url& base_;
    connection_pool pool_;
    std::string authorization_;   // "Bearer ...": built once, never logged
    std::string user_agent_;
    bool learned_idempotency_ = false;
    std::mt19937 jitter_rng_{std::random_device{}()};
};

} // namespace owo::detail
