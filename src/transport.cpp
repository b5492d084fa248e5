#include "transport.hpp"

#include "response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <random>

#ifndef OWOSTACK_VERSION
#define OWOSTACK_VERSION "dev"
#endif

namespace owo::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

struct transport::attempt {
    clock::time_point started = clock::now();
    error_code ec;                  // no response: why
    std::string failure_reason;     // e.g. why a certificate was refused
    bool may_have_reached_server = false;
    bool reused = false;
};

namespace {

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

std::string user_agent(const config& cfg) {
    std::string ua = "owostack-cpp/" OWOSTACK_VERSION;
    if (!cfg.user_agent_suffix.empty()) ua += " " + cfg.user_agent_suffix;
    return ua;
}

} // namespace

transport::transport(asio::any_io_executor ex, const config& cfg, const base_url& base, asio::ssl::context& tls)
    : cfg_(cfg), pool_(std::move(ex), tls, base, cfg),
      fixed_headers_(make_fixed_headers(base, cfg.secret_key, user_agent(cfg))) {}

bool transport::server_honours_idempotency() const noexcept {
    switch (cfg_.idempotency) {
    case idempotency_support::honoured: return true;
    case idempotency_support::not_honoured: return false;
    default: return learned_idempotency_.load(std::memory_order_relaxed);
    }
}

asio::awaitable<call_result> transport::execute(const request_spec& spec) {
    const auto deadline = clock::now() + cfg_.request_timeout;
    call_result out;
    for (int attempt_no = 1;; ++attempt_no) {
        attempt a;
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
        asio::steady_timer timer(co_await asio::this_coro::executor, next.delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

// Everything after an attempt that does not wait: interpret the response, tell the observer,
// and decide between success, failure and another attempt. A plain function, so the call's
// coroutine frame stays small.
transport::next_step transport::conclude(const request_spec& spec, int attempt_no, attempt& a,
                                         const received_response* res, clock::time_point deadline,
                                         call_result& out) {
    if (a.ec == boost::beast::error::timeout) a.ec = error::timeout;
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
        ev.latency = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - a.started);
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
        if (res) retry_after = parse_retry_after(res->retry_after);
        delay = backoff_delay(cfg_.retry, attempt_no, backoff_jitter(), retry_after);
        retry = clock::now() + delay < deadline;
    }
    if (!retry) {
        if (a.ec) {
            out.ec = a.ec;
            out.diag = diagnostics{};
            out.diag.code = a.ec == error::timeout ? "timeout" : "transport_error";
            out.diag.message = !a.failure_reason.empty() ? std::move(a.failure_reason) : a.ec.message();
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
