#include "transport.hpp"

#include "response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#ifndef OWOSTACK_VERSION
#define OWOSTACK_VERSION "dev"
#endif

namespace owo::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

struct transport::attempt {
    error_code ec;
    std::string failure_reason;
    bool may_have_reached_server = false;
    bool reused = false;
    http_response response;
};

namespace {

// The peer closed a keep-alive connection we were about to reuse.
bool is_stale_close(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

std::string_view header(const http_response& res, std::string_view name) {
    auto it = res.find(name);
    return it == res.end() ? std::string_view{} : std::string_view(it->value());
}

} // namespace

transport::transport(asio::any_io_executor strand, const config& cfg, const base_url& base,
                     asio::ssl::context& tls)
    : cfg_(cfg), base_(base), pool_(std::move(strand), tls, base, cfg),
      authorization_("Bearer " + cfg.secret_key),
      user_agent_("owostack-cpp/" OWOSTACK_VERSION) {
    if (!cfg.user_agent_suffix.empty()) user_agent_ += " " + cfg.user_agent_suffix;
}

bool transport::server_honours_idempotency() const noexcept {
    switch (cfg_.idempotency) {
    case idempotency_support::honoured: return true;
    case idempotency_support::not_honoured: return false;
    default: return learned_idempotency_;
    }
}

http_request transport::build_request(const request_spec& spec) const {
    http_request req{spec.method, spec.target, 11};
    req.set(http::field::host, base_.host_header());
    req.set(http::field::authorization, authorization_);
    req.set(http::field::user_agent, user_agent_);
    req.set(http::field::accept, "application/json");
    if (spec.method == http::verb::post) {
        req.set(http::field::content_type, "application/json");
        req.set("Idempotency-Key", spec.idempotency_key);
        req.body() = spec.body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    return req;
}

asio::awaitable<transport::attempt> transport::run_attempt(const http_request& req, clock::time_point deadline) {
    attempt a;
    auto lease = co_await pool_.acquire(deadline);
    if (lease.ec) {
        a.ec = lease.ec;
        a.failure_reason = std::move(lease.failure_reason);
        co_return a;
    }
    a.reused = lease.conn->reused();
    auto x = co_await lease.conn->exchange(req, deadline);
    if (x.ec && a.reused && !x.got_response_bytes && is_stale_close(x.ec)) {
        // The server closed the idle connection before it saw this request: dial once more.
        lease.conn.release();
        auto fresh = co_await pool_.dial(deadline);
        if (fresh.ec) {
            a.ec = fresh.ec;
            a.failure_reason = std::move(fresh.failure_reason);
            co_return a;
        }
        lease = std::move(fresh);
        a.reused = false;
        x = co_await lease.conn->exchange(req, deadline);
    }
    a.ec = x.ec;
    a.may_have_reached_server = x.wrote_request;
    if (!x.ec) {
        if (x.response.keep_alive()) lease.conn.mark_reusable();
        a.response = std::move(x.response);
    }
    co_return a;
}

asio::awaitable<call_result> transport::execute(const request_spec& spec) {
    const auto deadline = clock::now() + cfg_.request_timeout;
    const http_request req = build_request(spec);
    call_result out;
    for (int attempt_no = 1;; ++attempt_no) {
        const auto started = clock::now();
        attempt a = co_await run_attempt(req, deadline);
        if (a.ec == boost::beast::error::timeout) a.ec = error::timeout;

        interpreted_response ir;
        int status = 0;
        if (!a.ec) {
            status = static_cast<int>(a.response.result_int());
            if (header(a.response, "Idempotency-Support") == "honoured") learned_idempotency_ = true;
            ir = interpret_response(status, a.response.body());
        }
        if (cfg_.on_request) {
            request_event ev;
            ev.method = http::to_string(spec.method);
            ev.path = spec.target;
            ev.status = status;
            ev.attempt = attempt_no;
            ev.latency = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
            ev.idempotency_key = spec.idempotency_key;
            ev.error = a.ec ? a.ec : ir.ec;
            ev.reused_connection = a.reused;
            cfg_.on_request(ev);
        }
        if (!a.ec && !ir.ec) {
            out.body = std::move(ir.body);
            out.diag.attempts = attempt_no;
            co_return out;
        }

        attempt_failure f;
        f.transport_error = a.ec;
        f.status = status;
        f.may_have_reached_server = a.ec ? a.may_have_reached_server : status != 429;
        bool retry = attempt_no <= cfg_.retry.max_retries &&
                     is_retryable(spec.safety, f, server_honours_idempotency());
        std::chrono::milliseconds delay{0};
        if (retry) {
            std::optional<std::chrono::milliseconds> retry_after;
            if (!a.ec) retry_after = parse_retry_after(header(a.response, "Retry-After"));
            double jitter = std::uniform_real_distribution<double>(0.75, 1.0)(jitter_rng_);
            delay = backoff_delay(cfg_.retry, attempt_no, jitter, retry_after);
            retry = clock::now() + delay < deadline;
        }
        if (!retry) {
            if (a.ec) {
                out.ec = a.ec;
                out.diag = diagnostics{};
                out.diag.code = a.ec == error::timeout ? "timeout" : "transport_error";
                out.diag.message = !a.failure_reason.empty() ? a.failure_reason : a.ec.message();
            } else {
                out.ec = ir.ec;
                out.diag = std::move(ir.diag);
                out.diag.request_id = header(a.response, "X-Request-Id");
            }
            out.diag.attempts = attempt_no;
            co_return out;
        }
        // Against a server that honours Idempotency-Key, a retry replays the earlier answer or
        // reflects the truth, so its 409/404 is authoritative: nothing to reinterpret.
        if (!server_honours_idempotency()) out.earlier_attempt_may_have_applied |= f.may_have_reached_server;
        asio::steady_timer timer(co_await asio::this_coro::executor, delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

} // namespace owo::detail
