#include "call_fsm.hpp"

#include "response.hpp"
#include "retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <memory>
#include <random>

namespace owo::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// The peer closed a keep-alive connection we were about to reuse.
bool is_stale_close(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
           ec == asio::ssl::error::stream_truncated;
}

bool is_tls_failure(const error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated;
}

struct attempt_failure_text {
    error_code ec;
    std::string code;
    std::string reason;
    bool open_failed = false;
};

// Library codes that owo::error has a name for become that name; the words say what happened.
void describe_transport_failure(const config& cfg, attempt_failure_text& f) {
    if (f.ec == boost::beast::error::timeout) {
        f.ec = error::timeout;
        f.code = "timeout";
        if (f.reason.empty()) f.reason = "no answer before the deadline";
        return;
    }
    if (f.ec == http::error::body_limit || f.ec == http::error::header_limit) {
        const bool headers = f.ec == http::error::header_limit;
        f.ec = error::bad_response;
        f.code = "bad_response";
        f.reason = headers
                       ? "response headers larger than " + std::to_string(max_response_header_bytes) + " bytes"
                       : "response larger than config::max_response_bytes (" + std::to_string(cfg.max_response_bytes) +
                             " bytes)";
        return;
    }
    if (f.ec == error::pool_exhausted) {
        f.code = "pool_exhausted";
        f.reason = "no pooled connection became free before the deadline (pool.max_connections = " +
                   std::to_string(cfg.pool.max_connections) + ")";
        return;
    }
    f.code = "transport_error";
    // Only open() handshakes: a TLS error while reading a response (bad record MAC, a truncated
    // stream) came after a handshake that succeeded, and must not be reported as one that failed.
    if (is_tls_failure(f.ec) && f.open_failed) {
        if (f.reason.empty()) f.reason = f.ec.message();
        f.reason.insert(0, "TLS handshake failed: ");
    } else if (f.reason.empty()) {
        f.reason = f.ec.message();
    }
}

} // namespace

bool server_honours_idempotency(const config& cfg, const std::atomic<bool>& learned) noexcept {
    switch (cfg.idempotency) {
    case idempotency_support::honoured: return true;
    case idempotency_support::not_honoured: return false;
    default: return learned.load(std::memory_order_relaxed);
    }
}

double backoff_jitter() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.75, 1.0)(rng);
}

call_action call_fsm::resume(const call_event& ev) {
    switch (state_) {
    case state::initial:
        deadline_ = ev.now + cfg_.request_timeout;
        return start_attempt(ev.now);

    case state::acquiring:
        if (ev.ec) {   // pool_exhausted at the deadline, or the wait was cancelled
            attempt_ec_ = ev.ec;
            return conclude(ev, nullptr);
        }
        holds_connection_ = true;
        if (ev.cancelled) return cancelled_call(false, ev.now);
        reused_ = ev.connection_open && ev.reused;
        if (!ev.connection_open) {
            state_ = state::opening;
            return {call_action::open, deadline_};
        }
        state_ = state::exchanging;
        return {call_action::exchange, deadline_};

    case state::opening:
        if (ev.ec) {
            attempt_ec_ = ev.ec;
            open_failed_ = true;
            failure_reason_ = ev.failure_reason;
            return conclude(ev, nullptr);
        }
        if (ev.cancelled) return cancelled_call(false, ev.now);
        state_ = state::exchanging;
        return {call_action::exchange, deadline_};

    case state::exchanging: return after_exchange(ev);

    case state::redialling:
        state_ = state::opening;
        return {call_action::open, deadline_};

    case state::releasing: return after_release(ev.now);

    case state::waiting:
        if (ev.ec || ev.cancelled) return cancelled_call(false, ev.now);
        return start_attempt(ev.now);

    case state::finished: break;
    }
    return {call_action::done};
}

call_action call_fsm::start_attempt(clock::time_point now) {
    ++attempt_no_;
    attempt_started_ = now;
    attempt_ec_.clear();
    failure_reason_.clear();
    may_have_reached_server_ = reused_ = redialled_ = open_failed_ = false;
    state_ = state::acquiring;
    return {call_action::acquire, deadline_};
}

call_action call_fsm::after_exchange(const call_event& ev) {
    attempt_ec_ = ev.ec;
    may_have_reached_server_ = ev.wrote_request;
    if (ev.ec && !ev.cancelled && reused_ && !redialled_ && !ev.got_response_bytes && is_stale_close(ev.ec)) {
        // The server closed the idle connection before it saw this request: dial once more,
        // within the same attempt.
        redialled_ = true;
        reused_ = false;
        attempt_ec_.clear();
        state_ = state::redialling;
        return {call_action::redial};
    }
    return conclude(ev, ev.ec ? nullptr : ev.response);
}

// Everything after an attempt that does not wait: interpret the response, tell the observer,
// and decide between success, failure and another attempt.
call_action call_fsm::conclude(const call_event& ev, const received_response* res) {
    // Constructed, not assigned: the body stays in the arena it was parsed into (response.cpp).
    interpreted_response ir = res ? interpret_response(res->status, res->body) : interpreted_response{};
    const int status = res ? res->status : 0;
    if (res && res->idempotency_honoured) learned_.store(true, std::memory_order_relaxed);
    if (cfg_.on_request) {
        request_event report;
        report.method = http::to_string(spec_.method);
        report.path = spec_.target;
        report.status = status;
        report.attempt = attempt_no_;
        report.latency = std::chrono::duration_cast<std::chrono::microseconds>(ev.now - attempt_started_);
        report.idempotency_key = spec_.idempotency_key;
        report.error = attempt_ec_ ? attempt_ec_ : ir.ec;
        report.reused_connection = reused_;
        cfg_.on_request(report);
    }
    const bool reusable = res && res->keep_alive;
    retry_ = false;
    if (res && !ir.ec) {
        out_.ec.clear();
        std::destroy_at(&out_.body);   // move-construct for the same reason as above
        std::construct_at(&out_.body, std::move(ir.body));
        out_.diag.attempts = attempt_no_;
        return release_then(reusable, ev.now);
    }

    const bool honoured = server_honours_idempotency(cfg_, learned_);
    attempt_failure f;
    f.transport_error = attempt_ec_;
    f.status = status;
    f.may_have_reached_server = attempt_ec_ ? may_have_reached_server_ : status != 429;
    bool retry = attempt_no_ <= cfg_.retry.max_retries && is_retryable(spec_.safety, f, honoured);
    if (retry) {
        std::optional<std::chrono::milliseconds> retry_after;
        if (res) retry_after = parse_retry_after(res->retry_after, ev.wall_now);
        auto delay = backoff_delay(cfg_.retry, attempt_no_, jitter_(), retry_after);
        delay_ = delay;
        retry = ev.now + delay < deadline_;   // a wait past the deadline would only end in timeout
    }
    if (retry && ev.cancelled) return cancelled_call(reusable, ev.now);   // no retry once cancelled
    if (!retry) {
        if (attempt_ec_) {
            attempt_failure_text t{attempt_ec_, {}, std::move(failure_reason_), open_failed_};
            describe_transport_failure(cfg_, t);
            out_.ec = t.ec;
            out_.diag = diagnostics{};
            out_.diag.code = std::move(t.code);
            out_.diag.message = std::move(t.reason);
        } else {
            out_.ec = ir.ec;
            out_.diag = std::move(ir.diag);
            out_.diag.request_id = res->request_id;
        }
        out_.diag.attempts = attempt_no_;
        return release_then(reusable, ev.now);
    }
    // Against a server that honours Idempotency-Key, a retry replays the earlier answer or
    // reflects the truth, so its 409/404 is authoritative: nothing to reinterpret.
    if (!honoured) out_.earlier_attempt_may_have_applied |= f.may_have_reached_server;
    retry_ = true;
    return release_then(reusable, ev.now);
}

call_action call_fsm::release_then(bool reusable, clock::time_point now) {
    state_ = state::releasing;
    if (holds_connection_) return {call_action::release, {}, reusable};
    return after_release(now);   // the pool gave nothing: nothing to give back
}

call_action call_fsm::after_release(clock::time_point now) {
    holds_connection_ = false;
    if (!retry_) return finish();
    state_ = state::waiting;
    return {call_action::wait_until, now + delay_};
}

call_action call_fsm::finish() {
    state_ = state::finished;
    return {call_action::done};
}

call_action call_fsm::cancelled_call(bool reusable, clock::time_point now) {
    out_.ec = asio::error::operation_aborted;
    out_.diag = diagnostics{};
    out_.diag.code = "transport_error";
    out_.diag.message = out_.ec.message();
    out_.diag.attempts = attempt_no_;
    out_.body = {};
    retry_ = false;
    return release_then(reusable, now);
}

} // namespace owo::detail
