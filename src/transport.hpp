// One logical API call: get a connection from the pool, write the request, read and interpret
// the response, retry by the retry rule with backoff inside the call's deadline, and report
// each attempt to the observer. Runs on the executor of the coroutine that awaits it.
// All I/O and time go through io_environment, so unit tests drive this logic with a scripted
// fake (tests/unit/call_core_tests.cpp).
#pragma once

#include "connection_pool.hpp"
#include "request.hpp"
#include "retry_policy.hpp"
#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/json/object.hpp>

#include <atomic>
#include <string>

namespace owo::detail {

struct call_result {
    boost::system::error_code ec;
    diagnostics diag;
    boost::json::object body;                       ///< success body
    bool earlier_attempt_may_have_applied = false;  ///< a failed earlier attempt may have been processed
};

class transport {
public:
    /// `fixed_headers`: see make_fixed_headers(); `tls`: whether connections are TLS.
    transport(io_environment& env, const config& cfg, std::string fixed_headers, bool tls);

    /// Never throws for failures it can describe; cancellation may throw.
    boost::asio::awaitable<call_result> execute(const request_spec& spec);

    pool_counters stats() const { return pool_.stats(); }
    bool server_honours_idempotency() const noexcept;

private:
    struct attempt;
    struct next_step {
        bool done = true;
        std::chrono::milliseconds delay{0};
    };
    next_step conclude(const request_spec& spec, int attempt_no, attempt& a, const received_response* res,
                       clock::time_point deadline, call_result& out);

    io_environment& env_;
    const config& cfg_;
    connection_pool pool_;
    std::string fixed_headers_;   // holds the secret: never logged
    std::atomic<bool> learned_idempotency_{false};
};

} // namespace owo::detail
