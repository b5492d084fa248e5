// One logical API call: the driver of its state machine (call_fsm.hpp), which holds every
// decision (retries, backoff, deadline, pool use); the driver only performs the I/O it asks for
// through io_environment. Runs on the executor of the coroutine that awaits it.
#pragma once

#include "call_fsm.hpp"
#include "connection_pool.hpp"
#include "request.hpp"
#include "retry_policy.hpp"
#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/json/object.hpp>

#include <atomic>
#include <string>

namespace owo::detail {

class transport {
public:
    /// `fixed_headers`: see make_fixed_headers(); `tls`: whether connections are TLS.
    transport(io_environment& env, const config& cfg, std::string fixed_headers, bool tls);

    /// Never throws for failures it can describe; cancellation may throw.
    boost::asio::awaitable<call_result> execute(const request_spec& spec);

    pool_counters stats() const { return pool_.stats(); }
    bool server_honours_idempotency() const noexcept;

private:
    io_environment& env_;
    const config& cfg_;
    connection_pool pool_;
    std::string fixed_headers_;   // holds the secret: never logged
    std::atomic<bool> learned_idempotency_{false};
};

} // namespace owo::detail
