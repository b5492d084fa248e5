// The call core as a sans-I/O state machine: one per API call. It holds every decision of a
// call — the deadline, getting a connection from the pool, dialling, the one re-dial of a stale
// keep-alive connection, interpreting the answer, the retry rule, backoff and Retry-After,
// releasing or discarding the connection, the observer's report of each attempt, and how a
// failure is described — and none of the I/O. A driver (src/transport.cpp) performs each action
// it asks for and feeds back what happened, with the time; the unit tests feed events by hand
// (tests/unit/call_fsm_tests.cpp), so no socket, timer or io_context is involved.
//
//   call_fsm fsm(cfg, learned, spec);
//   for (call_action a = fsm.resume(call_event::started(now));; a = fsm.resume(next_event))
//       switch (a.kind) { ...perform a... case call_action::done: return fsm.result(); }
#pragma once

#include "request.hpp"
#include "response_reader.hpp"

#include <owostack/config.hpp>
#include <owostack/error.hpp>

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace owo::detail {

using clock = std::chrono::steady_clock;

/// Larger response headers are refused (bad_response): no API answer comes near it.
inline constexpr std::size_t max_response_header_bytes = 64 * 1024;

/// What a call completes with.
struct call_result {
    boost::system::error_code ec;
    diagnostics diag;
    boost::json::object body;                       ///< success body
    bool earlier_attempt_may_have_applied = false;  ///< a failed earlier attempt may have been processed
};

/// What the state machine asks the driver to do next.
struct call_action {
    enum kind_t {
        acquire,     ///< a connection from the pool: at once, or waiting until `time` (the deadline)
        open,        ///< resolve, connect, handshake the acquired connection, bounded by `time`
        exchange,    ///< write the request (write_request) and read one response, bounded by `time`
        redial,      ///< close the stale connection and put a fresh, unopened one in its place
        release,     ///< give the connection back: kept for reuse when `reusable`, else closed
        wait_until,  ///< sleep until `time` (backoff before the next attempt)
        done,        ///< complete with result()
    };
    kind_t kind = done;
    clock::time_point time{};
    bool reusable = false;
};

/// What happened, fed back into call_fsm::resume(). `now` is the steady clock at that moment.
struct call_event {
    enum kind_t { started, acquired, opened, exchanged, redialled, released, waited };
    kind_t kind = started;
    clock::time_point now{};
    /// Wall-clock time, read only by `exchanged` (a Retry-After HTTP date).
    std::chrono::system_clock::time_point wall_now{};
    /// acquired: pool_exhausted or operation_aborted; opened: why the dial failed; exchanged:
    /// why no complete response arrived; waited: operation_aborted when the wait was cancelled.
    boost::system::error_code ec;
    /// The caller asked to cancel the whole call (terminal cancellation) while this step ran.
    bool cancelled = false;
    /// acquired: the connection is already open (an idle keep-alive one)...
    bool connection_open = false;
    /// ...and has completed an exchange before (the pool's idle list).
    bool reused = false;
    /// opened with an error: why, in words (e.g. a refused certificate); may be empty.
    std::string_view failure_reason;
    /// exchanged: the whole request reached the socket / any byte of an answer arrived.
    bool wrote_request = false;
    bool got_response_bytes = false;
    /// exchanged without error: the complete response (read before the next resume()).
    const received_response* response = nullptr;

    static call_event at(kind_t k, clock::time_point now) {
        call_event e;
        e.kind = k;
        e.now = now;
        return e;
    }
};

/// How a client learns and states whether its server honours Idempotency-Key.
bool server_honours_idempotency(const config& cfg, const std::atomic<bool>& learned) noexcept;

/// The backoff jitter in [0.75, 1] (per-thread generator).
double backoff_jitter();

class call_fsm {
public:
    /// `cfg`, `learned` and `spec` must outlive the machine. `jitter` scales each backoff
    /// (tests pin it).
    call_fsm(const config& cfg, std::atomic<bool>& learned_idempotency, const request_spec& spec,
             double (*jitter)() = &backoff_jitter) noexcept
        : cfg_(cfg), learned_(learned_idempotency), spec_(spec), jitter_(jitter) {}

    call_action resume(const call_event& ev);

    /// The outcome, once resume() returned call_action::done.
    call_result& result() noexcept { return out_; }
    int attempt() const noexcept { return attempt_no_; }
    clock::time_point deadline() const noexcept { return deadline_; }

private:
    enum class state { initial, acquiring, opening, exchanging, redialling, releasing, waiting, finished };

    call_action start_attempt(clock::time_point now);
    call_action after_exchange(const call_event& ev);
    /// Reports the attempt, decides, and asks for the connection's release (or completes when
    /// there is none to give back).
    call_action conclude(const call_event& ev, const received_response* res);
    /// Gives the connection back (when the call holds one), then after_release().
    call_action release_then(bool reusable, clock::time_point now);
    /// Completes, or waits before the next attempt.
    call_action after_release(clock::time_point now);
    call_action finish();
    /// A cancelled call ends with operation_aborted, as a failure of its last attempt.
    call_action cancelled_call(bool reusable, clock::time_point now);

    const config& cfg_;
    std::atomic<bool>& learned_;
    const request_spec& spec_;
    double (*jitter_)();

    state state_ = state::initial;
    clock::time_point deadline_{};
    int attempt_no_ = 0;
    // The attempt in progress.
    clock::time_point attempt_started_{};
    boost::system::error_code attempt_ec_;   // no response: why
    std::string failure_reason_;             // e.g. why a certificate was refused
    bool may_have_reached_server_ = false;
    bool reused_ = false;
    bool redialled_ = false;
    bool open_failed_ = false;               // attempt_ec_ came from open()
    bool holds_connection_ = false;
    // What follows the release.
    bool retry_ = false;
    clock::duration delay_{};
    call_result out_;
};

} // namespace owo::detail
