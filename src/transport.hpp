// One logical API call: one composed operation (asio::async_compose) drives the call's state
// machine (call_fsm.hpp), which holds every decision (retries, backoff, deadline, pool use);
// the driver only performs the I/O it asks for, through the pool and io_environment.
#pragma once

#include "call_fsm.hpp"
#include "connection_pool.hpp"
#include "request.hpp"
#include "retry_policy.hpp"
#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <string>

namespace owo::detail {

class transport {
public:
    /// `fixed_headers`: see make_fixed_headers(); `tls`: whether connections are TLS.
    transport(boost::asio::any_io_executor ex, io_environment& env, const config& cfg, std::string fixed_headers,
              bool tls);

    using call_handler = boost::asio::any_completion_handler<void(call_result)>;
    /// Runs one call, completing `h` (never inline) on its associated executor with the outcome
    /// of the call: failures are results, not exceptions. Terminal cancellation through the
    /// handler's cancellation slot ends the call with operation_aborted.
    void async_execute(request_spec spec, call_handler h);

    pool_counters stats() const { return pool_.stats(); }
    bool server_honours_idempotency() const noexcept;

private:
    struct call_state;
    struct driver;

    boost::asio::any_io_executor executor_;
    io_environment& env_;
    const config& cfg_;
    connection_pool pool_;
    std::string fixed_headers_;   // holds the secret: never logged
    std::atomic<bool> learned_idempotency_{false};
};

} // namespace owo::detail
