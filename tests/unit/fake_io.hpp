// A scripted io_environment for unit tests of the call core (transport, connection_pool):
// connections that play a script instead of dialling, wake timers and a steady clock that
// move only when the test says so, and a wall clock for Retry-After dates. Everything runs on
// the test's io_context (completions are posted to the environment's executor, as an Asio timer
// posts to its I/O executor, and run there on the handler's own executor): no sockets, no
// sleeping, and every step can be observed.
//
//   fake_environment env(ioc.get_executor());
//   env.script({reply(429).retry_after("3"), reply(200, R"({"ok":true})")});   // 1st connection
//   env.script(open_fails(some_ssl_error));                                     // 2nd connection
//   ... transport.async_execute(spec, handler); run_ready(ioc);
//   env.waits() == {3s}; env.connection(0).requests[1] holds the bytes of the retry.
#pragma once

#include "io_seam.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace owo::test {

using detail::clock;
using boost::system::error_code;
using std::chrono::milliseconds;

/// The answer a scripted exchange gives: a complete response (filled into the connection's
/// received_response) or a failure, optionally after some time on the fake clock.
struct exchange_step {
    std::optional<detail::received_response> response;   // set: a complete response
    error_code ec;                                        // otherwise: this failure
    bool wrote_request = true;
    bool got_response_bytes = false;
    milliseconds takes{0};    // the fake clock moves this much (capped at the deadline, see below)
    bool held = false;        // completes only once the test calls fake_environment::release_held()

    exchange_step& retry_after(std::string v) { response->retry_after = std::move(v); return *this; }
    exchange_step& request_id(std::string v) { response->request_id = std::move(v); return *this; }
    exchange_step& honours_idempotency() { response->idempotency_honoured = true; return *this; }
    exchange_step& connection_close() { response->keep_alive = false; return *this; }
    exchange_step& taking(milliseconds d) { takes = d; return *this; }
    exchange_step& held_until_released() { held = true; return *this; }
};

/// A complete response (keep-alive unless connection_close()).
exchange_step reply(int status, std::string body = R"({"success":true})");
/// An exchange that fails with `ec` after writing the request (unless told otherwise).
exchange_step fail(error_code ec, bool got_response_bytes = false, bool wrote_request = true);

/// How one connection opens (resolve, connect, handshake).
struct open_step {
    error_code ec;               // empty: opens
    std::string failure_reason;  // connection_io::failure_reason() after a failure
    milliseconds takes{0};
};

open_step open_fails(error_code ec, std::string failure_reason = {});

/// The script of one connection: how it opens, then one step per exchange, in order.
struct connection_script {
    open_step open;
    std::deque<exchange_step> exchanges;
};

/// What happened to one connection the environment made, in order of make_connection().
struct connection_record {
    int open_attempts = 0;
    bool opened = false;              // an open() succeeded
    int closes = 0;                   // close() calls
    int reused_exchanges = 0;         // exchanges started with reused() true
    std::vector<std::string> requests;   // the request bytes of every exchange, as sent
    std::size_t unscripted = 0;       // exchanges or opens beyond the script (a test error)
    bool destroyed = false;
};

class fake_timer;

class fake_environment final : public detail::io_environment {
public:
    /// Completions are posted to `ex` (never run inline, e.g. under the pool's mutex).
    explicit fake_environment(boost::asio::any_io_executor ex);
    ~fake_environment() override;

    // Scripting. Connections take the scripts in order; one made beyond them opens fine and
    // has no exchanges (each exchange then fails the test).
    void script(connection_script s);
    void script(std::vector<exchange_step> exchanges) { script(connection_script{{}, {exchanges.begin(), exchanges.end()}}); }
    void script(open_step o) { script(connection_script{std::move(o), {}}); }

    // The clocks. advance() moves the steady and the wall clock together and completes every
    // wake timer that has expired by then. Held exchanges ignore the clock.
    void advance(clock::duration d);
    void set_wall_clock(std::chrono::system_clock::time_point t) { wall_ = t; }
    /// Lets every held exchange complete with its scripted outcome.
    void release_held();

    // What happened.
    const std::vector<milliseconds>& waits() const noexcept { return waits_; }   // async_sleep_until() calls
    std::size_t connections_made() const noexcept { return records_.size(); }
    const connection_record& connection(std::size_t i) const { return *records_.at(i); }
    int opened() const noexcept;
    int closed() const noexcept;          // connections closed at least once
    int reused_exchanges() const noexcept;
    std::vector<std::string> requests() const;   // every request of every connection, in order made
    std::size_t unscripted() const noexcept;     // must stay 0
    std::size_t pending_timers() const noexcept;

    // io_environment
    std::unique_ptr<detail::connection_io> make_connection() override;
    std::unique_ptr<detail::wake_timer> make_timer() override;
    clock::time_point now() const override { return now_; }
    std::chrono::system_clock::time_point wall_now() const override { return wall_; }
    void async_sleep_until(clock::time_point t, detail::io_handler<void(error_code)> h) override;

private:
    friend class fake_timer;
    friend class fake_connection;
    void fire_expired();

    boost::asio::any_io_executor executor_;
    clock::time_point now_;
    std::chrono::system_clock::time_point wall_;
    std::deque<connection_script> scripts_;
    std::vector<std::shared_ptr<connection_record>> records_;
    std::vector<fake_timer*> timers_;   // live timers (registered by their constructor)
    std::vector<fake_timer*> held_;     // the gates of held exchanges
    std::vector<milliseconds> waits_;
};

/// A wake_timer on the fake clock: its wait completes (success) once the clock reaches its
/// expiry, or with operation_aborted on cancel() or a new expiry.
class fake_timer final : public detail::wake_timer {
public:
    explicit fake_timer(fake_environment& env);
    ~fake_timer() override;
    void expires_at(clock::time_point t) override;
    void async_wait(boost::asio::any_completion_handler<void(error_code)> h) override;
    void cancel() override;
    bool pending() const noexcept { return handler_.has_value(); }
    clock::time_point expiry() const noexcept { return expiry_; }
    void complete(error_code ec);   // posts the pending handler, if any

private:
    fake_environment& env_;
    clock::time_point expiry_ = clock::time_point::max();
    std::optional<boost::asio::any_completion_handler<void(error_code)>> handler_;
};

/// Runs every handler that is ready, until none is (suspended calls stay suspended).
void run_ready(boost::asio::io_context& ioc);

/// The value of header `name` in request bytes ("" when absent).
std::string header_value(const std::string& request, std::string_view name);
/// "GET /v1/x" from request bytes.
std::string request_line_start(const std::string& request);

} // namespace owo::test
