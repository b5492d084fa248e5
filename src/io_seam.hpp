// The seam between the call core's driver (transport, connection_pool) and the outside world:
// connections, timers and the clocks. Every operation is a plain callback-style asynchronous
// operation (no coroutine): the driver passes its composed operation as the handler. The real
// implementation (asio_environment) dials TCP/TLS and uses Asio timers; the unit tests' fake
// (tests/unit/fake_io) scripts every answer and moves a fake clock, so whole operations run
// step by step without sockets or sleeping. The decisions themselves live in call_fsm.hpp.
#pragma once

#include "call_fsm.hpp"
#include "response_reader.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace owo::detail {

/// The handler the call core gives every operation of the seam: type-erased, and bound to the
/// client's I/O executor, where the driver's steps run (Asio and Beast composed operations
/// need an executor they can post to; the caller's own executor is only used to complete).
template <class Signature>
using io_handler = boost::asio::executor_binder<boost::asio::any_completion_handler<Signature>, boost::asio::any_io_executor>;

struct exchange_result {
    boost::system::error_code ec;
    bool wrote_request = false;       ///< the whole request was handed to the socket
    bool got_response_bytes = false;  ///< any byte of a response arrived
};

/// One keep-alive connection as the call logic sees it. Used by one call at a time.
class connection_io {
public:
    virtual ~connection_io() = default;
    using open_handler = io_handler<void(boost::system::error_code)>;
    using exchange_handler = io_handler<void(exchange_result)>;

    /// Resolve, connect, handshake. On failure failure_reason() may say why in words.
    virtual void async_open(clock::time_point deadline, open_handler h) = 0;
    virtual bool is_open() const noexcept = 0;
    /// The bytes of the next request; filled by the caller before async_exchange().
    virtual std::string& request_bytes() noexcept = 0;
    /// Writes request_bytes() and reads one response into response().
    virtual void async_exchange(clock::time_point deadline, exchange_handler h) = 0;
    virtual const received_response& response() const noexcept = 0;
    virtual const std::string& failure_reason() const noexcept = 0;
    /// True once the connection completed an exchange (it came from the pool's idle list).
    virtual bool reused() const noexcept = 0;
    virtual clock::time_point idle_since() const noexcept = 0;
    virtual void close() noexcept = 0;
};

/// A one-shot wake-up for a pool waiter: completes at its expiry, or with operation_aborted
/// when cancelled (a hand-over). Guarded by the pool's mutex.
class wake_timer {
public:
    virtual ~wake_timer() = default;
    virtual void expires_at(clock::time_point t) = 0;
    virtual void async_wait(boost::asio::any_completion_handler<void(boost::system::error_code)> h) = 0;
    virtual void cancel() = 0;
};

class io_environment {
public:
    virtual ~io_environment() = default;
    virtual std::unique_ptr<connection_io> make_connection() = 0;
    virtual std::unique_ptr<wake_timer> make_timer() = 0;
    virtual clock::time_point now() const = 0;
    /// Wall-clock time, for Retry-After given as an HTTP date.
    virtual std::chrono::system_clock::time_point wall_now() const = 0;
    /// Waits until `t` (backoff); cancellation ends it early with operation_aborted.
    virtual void async_sleep_until(clock::time_point t, io_handler<void(boost::system::error_code)> h) = 0;
};

} // namespace owo::detail
