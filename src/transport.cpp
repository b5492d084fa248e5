#include "transport.hpp"

#include "response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <random>

namespace owo::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

struct transport::attempt {
    explicit attempt(clock::time_point now) : started(now) {}
    clock::time_point started;
    error_code ec;                  // no response: why
    std::string failure_reason;     // e.g. why a certificate was refused
    bool may_have_reached_server = false;
    bool reused = false;
    bool open_failed = false;       // a.ec came from open() (resolve, connect, handshake)
};

namespace {

struct attempt_failure_text {
    error_code ec;
    std::string code;
    std::string reason;
    bool open_failed = false;
};

// The peer closed a keep-alive connection we were about to reuse.
bool is_stale_close(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

double backoff_jitter() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.75, 1.0)(rng);
}

bool is_tls_failure(const error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated;
}

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

transport::transport(io_environment& env, const config& cfg, std::string fixed_headers, bool tls)
    : env_(env), cfg_(cfg), pool_(env, cfg.pool, tls), fixed_headers_(std::move(fixed_headers)) {}

bool transport::server_honours_idempotency() const noexcept {
    switch (cfg_.idempotency) {
    case idempotency_support::honoured: return true;
    case idempotency_support::not_honoured: return false;
    default: return learned_idempotency_.load(std::memory_order_relaxed);
    }
}

asio::awaitable<call_result> transport::execute(const request_spec& spec) {
    const auto deadline = env_.now() + cfg_.request_timeout;
    call_result out;
    for (int attempt_no = 1;; ++attempt_no) {
        attempt a(env_.now());
        pooled_connection lease = pool_.try_acquire();
        if (!lease) {
            acquire_result w = co_await pool_.wait(deadline);
            a.ec = w.ec;
            lease = std::move(w.conn);
        }
        for (bool redialled = false; !a.ec;) {
            if (!lease->is_open()) {
                a.ec = co_await pool_.open(lease, deadline);
                if (a.ec) {
                    a.open_failed = true;
                    a.failure_reason = lease->failure_reason();
                    break;
                }
            }
            a.reused = lease->reused();
            write_request(lease->request_bytes(), spec, fixed_headers_);
            exchange_result x = co_await lease->exchange(deadline);
            a.ec = x.ec;
            a.may_have_reached_server = x.wrote_request;
            if (!x.ec || redialled || !a.reused || x.got_response_bytes || !is_stale_close(x.ec)) break;
            // The server closed the idle connection before it saw this request: dial once more.
            lease.renew();
            redialled = true;
            a.ec.clear();
        }
        if (!a.ec && lease->response().keep_alive) lease.mark_reusable();
        next_step next = conclude(spec, attempt_no, a, a.ec ? nullptr : &lease->response(), deadline, out);
        lease.release();
        if (next.done) co_return out;
        co_await env_.sleep_until(env_.now() + next.delay);
    }
}

// Everything after an attempt that does not wait: interpret the response, tell the observer,
// and decide between success, failure and another attempt. A plain function, so the call's
// coroutine frame stays small.
transport::next_step transport::conclude(const request_spec& spec, int attempt_no, attempt& a,
                                         const received_response* res, clock::time_point deadline,
                                         call_result& out) {
    interpreted_response ir;
    int status = 0;
    if (res) {
        status = res->status;
        if (res->idempotency_honoured) learned_idempotency_.store(true, std::memory_order_relaxed);
        ir = interpret_response(status, res->body);
    }
    if (cfg_.on_request) {
        request_event ev;
        ev.method = http::to_string(spec.method);
        ev.path = spec.target;
        ev.status = status;
        ev.attempt = attempt_no;
        ev.latency = std::chrono::duration_cast<std::chrono::microseconds>(env_.now() - a.started);
        ev.idempotency_key = spec.idempotency_key;
        ev.error = a.ec ? a.ec : ir.ec;
        ev.reused_connection = a.reused;
        cfg_.on_request(ev);
    }
    if (res && !ir.ec) {
        out.body = std::move(ir.body);
        out.diag.attempts = attempt_no;
        return {};
    }

    attempt_failure f;
    f.transport_error = a.ec;
    f.status = status;
    f.may_have_reached_server = a.ec ? a.may_have_reached_server : status != 429;
    bool retry = attempt_no <= cfg_.retry.max_retries && is_retryable(spec.safety, f, server_honours_idempotency());
    std::chrono::milliseconds delay{0};
    if (retry) {
        std::optional<std::chrono::milliseconds> retry_after;
        if (res) retry_after = parse_retry_after(res->retry_after, env_.wall_now());
        delay = backoff_delay(cfg_.retry, attempt_no, backoff_jitter(), retry_after);
        retry = env_.now() + delay < deadline;   // a wait past the deadline would only end in timeout
    }
    if (!retry) {
        if (a.ec) {
            attempt_failure_text t{a.ec, {}, std::move(a.failure_reason), a.open_failed};
            describe_transport_failure(cfg_, t);
            out.ec = t.ec;
            out.diag = diagnostics{};
            out.diag.code = std::move(t.code);
            out.diag.message = std::move(t.reason);
        } else {
            out.ec = ir.ec;
            out.diag = std::move(ir.diag);
            out.diag.request_id = res->request_id;
        }
        out.diag.attempts = attempt_no;
        return {};
    }
    // Against a server that honours Idempotency-Key, a retry replays the earlier answer or
    // reflects the truth, so its 409/404 is authoritative: nothing to reinterpret.
    if (!server_honours_idempotency()) out.earlier_attempt_may_have_applied |= f.may_have_reached_server;
    return {false, delay};
}

} // namespace owo::detail
