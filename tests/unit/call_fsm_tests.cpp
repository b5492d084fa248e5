// The call core's state machine (src/call_fsm.hpp) driven by hand: each test feeds the events a
// driver would (a connection handed over, a dial that failed, a response, a timer) with a fake
// clock, and checks every action it asks for and the outcome. No socket, timer or io_context.
#include "call_fsm.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <optional>
#include <vector>

using namespace owo::detail;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

const std::string ok_body = R"({"success":true,"allowed":true})";
const std::string json_503 = R"({"success":false,"error":"Service unavailable"})";

double no_jitter() { return 1.0; }

received_response reply(int status, std::string body = R"({"success":true})") {
    received_response r;
    r.status = status;
    r.keep_alive = true;
    r.body = std::move(body);
    return r;
}

/// A 429 with Retry-After: `retry_after`.
received_response too_many(std::string retry_after, std::string body = R"({"success":true})") {
    auto r = reply(429, std::move(body));
    r.retry_after = std::move(retry_after);
    return r;
}

/// What config::on_request saw of one attempt (its string_views copied).
struct seen_attempt {
    std::string method, path, idempotency_key;
    int status = 0;
    int attempt = 0;
    error_code error;
    bool reused = false;
    std::chrono::microseconds latency{};
};

const char* name_of(call_action::kind_t k) {
    switch (k) {
    case call_action::acquire: return "acquire";
    case call_action::open: return "open";
    case call_action::exchange: return "exchange";
    case call_action::redial: return "redial";
    case call_action::release: return "release";
    case call_action::wait_until: return "wait_until";
    case call_action::done: return "done";
    }
    return "?";
}

/// One call's state machine, a fake clock, and the events a driver would feed it.
struct fsm_fixture {
    owo::config cfg;
    std::atomic<bool> learned{false};
    request_spec spec;
    std::optional<call_fsm> fsm;
    clock::time_point now = clock::time_point{} + 1000h;
    std::chrono::system_clock::time_point wall =
        std::chrono::sys_days{std::chrono::year{2024} / std::chrono::May / 1} + 12h;
    std::vector<seen_attempt> attempts;
    call_action last;

    fsm_fixture() {
        cfg.secret_key = "sk_test";
        cfg.request_timeout = 30s;
        cfg.on_request = [this](const owo::request_event& e) {
            attempts.push_back({std::string(e.method), std::string(e.path), std::string(e.idempotency_key), e.status,
                                e.attempt, e.error, e.reused_connection, e.latency});
        };
        spec.target = "/v1/customers/c1";
    }

    void post(retry_safety safety, std::string key = "key-1", std::string target = "/v1/track") {
        spec.method = http::verb::post;
        spec.target = std::move(target);
        spec.body = R"({"customer":"c1","feature":"api_calls","value":1})";
        spec.safety = safety;
        spec.idempotency_key = std::move(key);
    }

    void advance(clock::duration d) {
        now += d;
        wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }

    call_action feed(call_event ev) {
        ev.now = now;
        ev.wall_now = wall;
        last = fsm->resume(ev);
        return last;
    }

    call_action start() {
        fsm.emplace(cfg, learned, spec, &no_jitter);
        return feed(call_event::at(call_event::started, now));
    }
    /// The pool handed a connection: a new one to dial, or an idle open (reused) one.
    call_action acquired(bool open = false, bool cancelled = false) {
        call_event e = call_event::at(call_event::acquired, now);
        e.connection_open = open;
        e.reused = open;
        e.cancelled = cancelled;
        return feed(e);
    }
    call_action acquire_failed(error_code ec) {
        call_event e = call_event::at(call_event::acquired, now);
        e.ec = ec;
        return feed(e);
    }
    call_action opened(error_code ec = {}, std::string_view why = {}, bool cancelled = false) {
        call_event e = call_event::at(call_event::opened, now);
        e.ec = ec;
        e.failure_reason = why;
        e.cancelled = cancelled;
        return feed(e);
    }
    call_action answered(const received_response& r, bool cancelled = false) {
        call_event e = call_event::at(call_event::exchanged, now);
        e.wrote_request = e.got_response_bytes = true;
        e.response = &r;
        e.cancelled = cancelled;
        return feed(e);
    }
    call_action exchange_failed(error_code ec, bool got_bytes = false, bool wrote = true, bool cancelled = false) {
        call_event e = call_event::at(call_event::exchanged, now);
        e.ec = ec;
        e.wrote_request = wrote;
        e.got_response_bytes = got_bytes;
        e.cancelled = cancelled;
        return feed(e);
    }
    call_action released() { return feed(call_event::at(call_event::released, now)); }
    call_action redialled() { return feed(call_event::at(call_event::redialled, now)); }
    /// The backoff timer fired (the clock moves to its expiry) or was cancelled.
    call_action waited(error_code ec = {}) {
        if (!ec && last.kind == call_action::wait_until && last.time > now) advance(last.time - now);
        call_event e = call_event::at(call_event::waited, now);
        e.ec = ec;
        return feed(e);
    }

    /// A fresh connection dialled and answered `r`; returns the action after the release.
    call_action attempt_on_new_connection(const received_response& r) {
        expect(acquired(), call_action::open);
        expect(opened(), call_action::exchange);
        expect(answered(r), call_action::release);
        return released();
    }

    /// After the backoff, the next attempt runs on the idle connection and is answered `r`;
    /// returns the action after its release.
    call_action retry_on_idle_connection(const received_response& r) {
        expect(waited(), call_action::acquire);
        expect(acquired(true), call_action::exchange);
        expect(answered(r), call_action::release);
        return released();
    }

    /// The wait asked for after the first attempt, on a new connection, was answered `r`.
    clock::duration first_wait(const received_response& r) {
        start();
        auto a = attempt_on_new_connection(r);
        expect(a, call_action::wait_until);
        return a.time - now;
    }

    void expect(const call_action& a, call_action::kind_t k) const {
        BOOST_TEST_REQUIRE(name_of(a.kind) == name_of(k));
    }
    call_result& result() { return fsm->result(); }

    /// The call ended with operation_aborted, reported as its first attempt's failure.
    void expect_aborted() {
        BOOST_TEST((result().ec == asio::error::operation_aborted), result().ec.message());
        BOOST_TEST(result().diag.code == "transport_error");
        BOOST_TEST(result().diag.attempts == 1);
    }
    /// `a` discards the connection, then the call ends with operation_aborted.
    void expect_discarded_then_aborted(const call_action& a) {
        expect(a, call_action::release);
        BOOST_TEST(!a.reusable);
        expect(released(), call_action::done);
        expect_aborted();
    }
    clock::time_point deadline() const { return fsm->deadline(); }
};

error_code ssl_error(int reason) {
    return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), asio::error::get_ssl_category()};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(call_fsm_suite, fsm_fixture)

// --- the happy path and the deadline ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(one_attempt_asks_for_each_step_with_the_call_deadline) {
    const auto started = now;
    auto a = start();
    expect(a, call_action::acquire);
    BOOST_TEST((a.time == started + 30s));
    advance(1ms);
    a = acquired();
    expect(a, call_action::open);
    BOOST_TEST((a.time == started + 30s));
    advance(2ms);
    a = opened();
    expect(a, call_action::exchange);
    BOOST_TEST((a.time == started + 30s));
    advance(3ms);
    auto ok = reply(200, ok_body);
    a = answered(ok);
    expect(a, call_action::release);
    BOOST_TEST(a.reusable);
    expect(released(), call_action::done);
    BOOST_TEST(!result().ec, result().ec.message());
    BOOST_TEST(result().diag.attempts == 1);
    BOOST_TEST(result().body.at("allowed").as_bool());
    BOOST_TEST_REQUIRE(attempts.size() == 1u);
    BOOST_TEST(attempts[0].method == "GET");
    BOOST_TEST(attempts[0].path == "/v1/customers/c1");
    BOOST_TEST(attempts[0].status == 200);
    BOOST_TEST((attempts[0].latency == 6ms));
    BOOST_TEST(!attempts[0].reused);
    expect(released(), call_action::done);   // a finished machine stays finished
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_used_without_dialling) {
    expect(start(), call_action::acquire);
    expect(acquired(true), call_action::exchange);
    auto ok = reply(200);
    expect(answered(ok), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST_REQUIRE(attempts.size() == 1u);
    BOOST_TEST(attempts[0].reused);
}

BOOST_AUTO_TEST_CASE(connection_close_answer_is_not_kept) {
    start();
    acquired();
    opened();
    auto r = reply(200);
    r.keep_alive = false;
    auto a = answered(r);
    expect(a, call_action::release);
    BOOST_TEST(!a.reusable);
    expect(released(), call_action::done);
    BOOST_TEST(!result().ec);
}

BOOST_AUTO_TEST_CASE(an_exchange_past_the_deadline_is_a_timeout_without_retry) {
    cfg.request_timeout = 10s;
    start();
    acquired();
    opened();
    advance(10s);   // the driver ended the exchange at the deadline
    auto a = exchange_failed(boost::beast::error::timeout);
    expect(a, call_action::release);
    BOOST_TEST(!a.reusable);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::timeout), result().ec.message());
    BOOST_TEST(result().diag.code == "timeout");
    BOOST_TEST(result().diag.message == "no answer before the deadline");
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(no_retry_when_the_backoff_would_pass_the_deadline) {
    cfg.request_timeout = 10s;
    start();
    acquired();
    opened();
    advance(9800ms);   // 200 ms left, the backoff is 500 ms
    auto r = reply(503, json_503);
    expect(answered(r), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::server_error), result().ec.message());
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(the_deadline_is_the_calls_not_the_attempts) {
    cfg.request_timeout = 10s;
    const auto started = now;
    start();
    auto r = reply(503, json_503);
    advance(4s);
    auto a = attempt_on_new_connection(r);
    expect(a, call_action::wait_until);
    BOOST_TEST((a.time == started + 4500ms));
    expect(waited(), call_action::acquire);
    BOOST_TEST((last.time == started + 10s));   // the second attempt keeps the first deadline
    expect(acquired(true), call_action::exchange);
    BOOST_TEST((last.time == started + 10s));
    advance(5000ms);   // 500 ms left; the next backoff is 1 s: the call ends with the 503
    expect(answered(r), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::server_error));
    BOOST_TEST(result().diag.attempts == 2);
}

// --- Retry-After -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(retry_after_seconds_is_waited_exactly) {
    cfg.retry.max_backoff = 60s;
    BOOST_TEST((first_wait(too_many("3")) == 3s));
    auto ok = reply(200, ok_body);
    expect(retry_on_idle_connection(ok), call_action::done);
    BOOST_TEST(!result().ec);
    BOOST_TEST(result().diag.attempts == 2);
    BOOST_TEST(!result().earlier_attempt_may_have_applied);   // a 429 was refused before processing
}

BOOST_AUTO_TEST_CASE(retry_after_http_date_is_taken_from_the_wall_clock) {
    cfg.retry.max_backoff = 60s;
    start();
    acquired();
    opened();
    advance(2s);   // 12:00:02: 12:00:09 is 7 s away
    answered(too_many("Wed, 01 May 2024 12:00:09 GMT"));
    auto a = released();
    expect(a, call_action::wait_until);
    BOOST_TEST((a.time == now + 7s));
}

BOOST_AUTO_TEST_CASE(retry_after_is_capped_by_max_backoff) {
    cfg.retry.max_backoff = 5s;
    BOOST_TEST((first_wait(too_many("20")) == 5s));
}

BOOST_AUTO_TEST_CASE(retry_after_beyond_the_deadline_ends_the_call_at_once) {
    cfg.retry.max_backoff = 120s;
    cfg.request_timeout = 10s;
    start();
    auto limited = too_many("30", R"({"success":false,"error":"Too many requests"})");
    limited.request_id = "req-9";
    expect(attempt_on_new_connection(limited), call_action::done);
    BOOST_TEST((result().ec == owo::error::rate_limited), result().ec.message());
    BOOST_TEST(result().diag.attempts == 1);
    BOOST_TEST(result().diag.http_status == 429);
    BOOST_TEST(result().diag.request_id == "req-9");
}

BOOST_AUTO_TEST_CASE(retry_after_beyond_the_deadline_after_an_honoured_one) {
    cfg.retry.max_backoff = 120s;
    cfg.request_timeout = 10s;
    BOOST_TEST((first_wait(too_many("1")) == 1s));
    expect(waited(), call_action::acquire);
    expect(acquired(true), call_action::exchange);
    // 9 s asked with 9 s left: a retry could only start at the deadline.
    expect(answered(too_many("9")), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::rate_limited));
    BOOST_TEST(result().diag.attempts == 2);
}

BOOST_AUTO_TEST_CASE(unparsable_retry_after_falls_back_to_the_backoff) {
    BOOST_TEST((first_wait(too_many("soon")) == 500ms));
}

// --- 5xx, safety and idempotency keys --------------------------------------------------------

BOOST_AUTO_TEST_CASE(idempotent_post_retries_503_with_the_same_key_and_growing_backoff) {
    post(retry_safety::idempotent, "key-attach-1", "/v1/attach");
    start();
    auto unavailable = reply(503, json_503);
    auto a = attempt_on_new_connection(unavailable);
    expect(a, call_action::wait_until);
    BOOST_TEST((a.time == now + 500ms));
    a = retry_on_idle_connection(unavailable);
    expect(a, call_action::wait_until);
    BOOST_TEST((a.time == now + 1000ms));   // initial * (1 + 1^2)
    auto ok = reply(200, ok_body);
    expect(retry_on_idle_connection(ok), call_action::done);
    BOOST_TEST(!result().ec);
    BOOST_TEST(result().diag.attempts == 3);
    BOOST_TEST(result().earlier_attempt_may_have_applied);   // the 503s may have been processed
    BOOST_TEST_REQUIRE(attempts.size() == 3u);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(attempts[i].attempt == i + 1);
        BOOST_TEST(attempts[i].method == "POST");
        BOOST_TEST(attempts[i].path == "/v1/attach");
        BOOST_TEST(attempts[i].idempotency_key == "key-attach-1");   // one key for every attempt
        BOOST_TEST(attempts[i].status == (i < 2 ? 503 : 200));
        BOOST_TEST(attempts[i].reused == (i > 0));
    }
    BOOST_TEST((attempts[0].error == owo::error::server_error));
    BOOST_TEST(!attempts[2].error);
}

BOOST_AUTO_TEST_CASE(max_retries_bounds_the_attempts) {
    cfg.retry.max_retries = 1;
    start();
    auto unavailable = reply(503, json_503);
    expect(attempt_on_new_connection(unavailable), call_action::wait_until);
    expect(retry_on_idle_connection(unavailable), call_action::done);
    BOOST_TEST(result().diag.attempts == 2);
    BOOST_TEST(result().diag.message == "Service unavailable");
}

BOOST_AUTO_TEST_CASE(usage_post_is_not_retried_on_503_without_honoured_keys) {
    post(retry_safety::counts_usage);
    start();
    auto unavailable = reply(503, json_503);
    expect(attempt_on_new_connection(unavailable), call_action::done);
    BOOST_TEST((result().ec == owo::error::server_error));
    BOOST_TEST(result().diag.attempts == 1);
    BOOST_TEST(result().diag.http_status == 503);
    BOOST_TEST(result().diag.message == "Service unavailable");
}

BOOST_AUTO_TEST_CASE(usage_post_is_retried_on_503_when_the_server_honours_keys) {
    post(retry_safety::counts_usage, "key-track-7");
    start();
    auto unavailable = reply(503, json_503);
    unavailable.idempotency_honoured = true;
    expect(attempt_on_new_connection(unavailable), call_action::wait_until);
    BOOST_TEST(learned.load());   // learned from the answer, for every later call too
    auto ok = reply(200, ok_body);
    expect(retry_on_idle_connection(ok), call_action::done);
    BOOST_TEST(!result().ec);
    BOOST_TEST(result().diag.attempts == 2);
    BOOST_TEST(!result().earlier_attempt_may_have_applied);   // the server replays, it does not double-count
    BOOST_TEST_REQUIRE(attempts.size() == 2u);
    BOOST_TEST(attempts[1].idempotency_key == "key-track-7");
}

BOOST_AUTO_TEST_CASE(config_says_keys_are_not_honoured_despite_the_header) {
    cfg.idempotency = owo::idempotency_support::not_honoured;
    post(retry_safety::counts_usage);
    start();
    auto unavailable = reply(503, json_503);
    unavailable.idempotency_honoured = true;
    expect(attempt_on_new_connection(unavailable), call_action::done);
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(usage_post_reset_after_writing_is_not_replayed) {
    post(retry_safety::counts_usage);
    start();
    acquired();
    opened();
    expect(exchange_failed(asio::error::connection_reset), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == asio::error::connection_reset), result().ec.message());
    BOOST_TEST(result().diag.code == "transport_error");
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(usage_post_that_was_never_written_is_retried) {
    post(retry_safety::counts_usage, "key-2");
    start();
    acquired();
    opened();
    expect(exchange_failed(asio::error::connection_reset, false, false), call_action::release);
    expect(released(), call_action::wait_until);   // the request cannot have been processed
    expect(waited(), call_action::acquire);
    expect(attempt_on_new_connection(reply(200, ok_body)), call_action::done);
    BOOST_TEST(!result().ec);
    BOOST_TEST(!result().earlier_attempt_may_have_applied);
    BOOST_TEST_REQUIRE(attempts.size() == 2u);
    BOOST_TEST(attempts[0].idempotency_key == attempts[1].idempotency_key);
}

BOOST_AUTO_TEST_CASE(entity_add_retry_marks_that_an_earlier_attempt_may_have_applied) {
    post(retry_safety::entity_add, "key-3", "/v1/entities");
    start();
    auto unavailable = reply(502, R"({"success":false,"error":"Bad gateway"})");
    expect(attempt_on_new_connection(unavailable), call_action::wait_until);
    expect(waited(), call_action::acquire);
    expect(acquired(true), call_action::exchange);
    auto exists = reply(409, R"({"success":false,"error":"Entity already exists"})");
    expect(answered(exists), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST(result().earlier_attempt_may_have_applied);   // operation<Op>::finish reads this 409 as done
    BOOST_TEST(result().diag.http_status == 409);
}

// --- connections -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_stale_keep_alive_connection_is_redialled_once_within_the_attempt) {
    start();
    expect(acquired(true), call_action::exchange);
    expect(exchange_failed(asio::error::connection_reset), call_action::redial);
    expect(redialled(), call_action::open);
    expect(opened(), call_action::exchange);
    auto ok = reply(200, ok_body);
    expect(answered(ok), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST(!result().ec);
    BOOST_TEST(result().diag.attempts == 1);   // the redial is part of the same attempt
    BOOST_TEST_REQUIRE(attempts.size() == 1u);
    BOOST_TEST(!attempts[0].reused);   // it ran on the redialled connection
}

BOOST_AUTO_TEST_CASE(a_second_stale_close_is_not_redialled_again) {
    start();
    expect(acquired(true), call_action::exchange);
    expect(exchange_failed(http::error::end_of_stream), call_action::redial);
    expect(redialled(), call_action::open);
    expect(opened(), call_action::exchange);
    expect(exchange_failed(asio::error::connection_reset), call_action::release);
    expect(released(), call_action::wait_until);   // an ordinary retry now, after a backoff
    BOOST_TEST(fsm->attempt() == 1);
}

BOOST_AUTO_TEST_CASE(reset_after_response_bytes_on_a_reused_connection_is_not_redialled) {
    cfg.retry.max_retries = 0;
    start();
    expect(acquired(true), call_action::exchange);
    expect(exchange_failed(asio::error::connection_reset, true), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == asio::error::connection_reset));
}

BOOST_AUTO_TEST_CASE(reset_on_a_fresh_connection_is_an_ordinary_attempt) {
    start();
    acquired();
    opened();
    expect(exchange_failed(asio::error::connection_reset), call_action::release);
    BOOST_TEST(!last.reusable);
    expect(released(), call_action::wait_until);
    expect(waited(), call_action::acquire);
    expect(attempt_on_new_connection(reply(200, ok_body)), call_action::done);
    BOOST_TEST(result().diag.attempts == 2);
}

BOOST_AUTO_TEST_CASE(timeout_mid_body_discards_the_connection) {
    cfg.retry.max_retries = 0;
    start();
    acquired();
    opened();
    auto a = exchange_failed(boost::beast::error::timeout, true);
    expect(a, call_action::release);
    BOOST_TEST(!a.reusable);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::timeout));
    BOOST_TEST(result().diag.code == "timeout");
}

BOOST_AUTO_TEST_CASE(pool_exhausted_at_the_deadline) {
    cfg.pool.max_connections = 1;
    start();
    advance(30s);
    expect(acquire_failed(owo::error::pool_exhausted), call_action::done);   // nothing to give back
    BOOST_TEST((result().ec == owo::error::pool_exhausted));
    BOOST_TEST(result().diag.code == "pool_exhausted");
    BOOST_TEST(result().diag.message.find("max_connections = 1") != std::string::npos, result().diag.message);
    BOOST_TEST(result().diag.attempts == 1);
    BOOST_TEST_REQUIRE(attempts.size() == 1u);
    BOOST_TEST(attempts[0].status == 0);
}

// --- how failures are reported ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tls_handshake_failure_keeps_its_ssl_code) {
    const auto wrong_version = ssl_error(SSL_R_WRONG_VERSION_NUMBER);
    start();
    acquired();
    auto a = opened(wrong_version);
    expect(a, call_action::release);
    BOOST_TEST(!a.reusable);
    expect(released(), call_action::done);   // a protocol mismatch is not retried
    BOOST_TEST((result().ec == wrong_version));
    BOOST_TEST(result().diag.message.starts_with("TLS handshake failed"), result().diag.message);
    BOOST_TEST(result().diag.code == "transport_error");
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(tls_verify_failure_reports_the_reason) {
    start();
    acquired();
    opened(ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED), "certificate has expired");
    expect(released(), call_action::done);
    BOOST_TEST(result().diag.message == "TLS handshake failed: certificate has expired");
}

BOOST_AUTO_TEST_CASE(a_truncated_handshake_is_retried_until_max_retries) {
    start();
    for (int i = 0; i < 3; ++i) {
        expect(acquired(), call_action::open);
        expect(opened(asio::ssl::error::stream_truncated), call_action::release);
        auto a = released();
        if (i < 2) {
            expect(a, call_action::wait_until);
            waited();
        } else {
            expect(a, call_action::done);
        }
    }
    BOOST_TEST((result().ec == asio::ssl::error::stream_truncated));
    BOOST_TEST(result().diag.message.starts_with("TLS handshake failed"));
    BOOST_TEST(result().diag.attempts == 3);
    BOOST_TEST(!result().earlier_attempt_may_have_applied);   // nothing was sent
}

BOOST_AUTO_TEST_CASE(tls_error_while_reading_is_not_called_a_handshake_failure) {
    cfg.retry.max_retries = 0;
    const auto bad_mac = ssl_error(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    start();
    acquired();
    opened();
    exchange_failed(bad_mac, true);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == bad_mac));
    BOOST_TEST(!result().diag.message.starts_with("TLS handshake failed"), result().diag.message);
}

BOOST_AUTO_TEST_CASE(body_over_max_response_bytes_is_bad_response) {
    cfg.max_response_bytes = 4096;
    start();
    acquired();
    opened();
    exchange_failed(http::error::body_limit, true);
    expect(released(), call_action::done);   // the same body would come again
    BOOST_TEST((result().ec == owo::error::bad_response));
    BOOST_TEST(result().diag.code == "bad_response");
    BOOST_TEST(result().diag.message.find("max_response_bytes (4096 bytes)") != std::string::npos);
    BOOST_TEST(result().diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_are_bad_response) {
    start();
    acquired();
    opened();
    exchange_failed(http::error::header_limit, true);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::bad_response));
    BOOST_TEST(result().diag.message == "response headers larger than 65536 bytes");
}

BOOST_AUTO_TEST_CASE(proxy_html_502_is_unexpected_status_with_an_excerpt) {
    const std::string page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                             "</h1></center><hr><center>nginx</center>" + std::string(400, ' ') + "</body></html>";
    auto r = reply(502, page);
    start();
    expect(attempt_on_new_connection(r), call_action::wait_until);
    waited();
    acquired(true);
    answered(r);
    expect(released(), call_action::wait_until);
    waited();
    acquired(true);
    answered(r);
    expect(released(), call_action::done);
    BOOST_TEST((result().ec == owo::error::unexpected_status));
    BOOST_TEST(result().diag.http_status == 502);
    BOOST_TEST(result().diag.attempts == 3);
    BOOST_TEST(result().diag.message.starts_with("<html><head><title>502 Bad Gateway"));
    BOOST_TEST(result().diag.message.ends_with("..."));
}

BOOST_AUTO_TEST_CASE(malformed_json_200_is_bad_response) {
    start();
    auto r = reply(200, R"({"success":true,"allowed":tru)");
    expect(attempt_on_new_connection(r), call_action::done);
    BOOST_TEST((result().ec == owo::error::bad_response));
    BOOST_TEST(result().diag.http_status == 200);
    BOOST_TEST(result().diag.message.starts_with("response body is not a JSON object"), result().diag.message);
}

// --- cancellation (the driver passes terminal cancellation on; see src/transport.cpp) --------

BOOST_AUTO_TEST_CASE(cancelled_while_waiting_for_the_pool) {
    start();
    expect(acquire_failed(asio::error::operation_aborted), call_action::done);
    expect_aborted();
}

BOOST_AUTO_TEST_CASE(cancelled_as_the_pool_hands_over_a_connection) {
    start();
    expect_discarded_then_aborted(acquired(true, true));   // given back unused, closed
}

BOOST_AUTO_TEST_CASE(cancelled_while_dialling) {
    start();
    acquired();
    expect_discarded_then_aborted(opened(asio::error::operation_aborted));   // not retried
}

BOOST_AUTO_TEST_CASE(cancelled_after_the_dial_completed) {
    start();
    acquired();
    expect_discarded_then_aborted(opened({}, {}, true));
}

BOOST_AUTO_TEST_CASE(cancelled_mid_exchange_on_a_reused_connection_is_not_redialled) {
    start();
    acquired(true);
    expect_discarded_then_aborted(exchange_failed(asio::error::operation_aborted, false, true, true));
}

BOOST_AUTO_TEST_CASE(a_stale_close_seen_as_the_call_is_cancelled_is_not_redialled) {
    start();
    acquired(true);
    expect_discarded_then_aborted(exchange_failed(asio::error::connection_reset, false, true, true));
}

BOOST_AUTO_TEST_CASE(an_answer_that_arrived_as_the_call_was_cancelled_is_delivered) {
    start();
    acquired();
    opened();
    auto ok = reply(200, ok_body);
    expect(answered(ok, true), call_action::release);
    expect(released(), call_action::done);
    BOOST_TEST(!result().ec);
}

BOOST_AUTO_TEST_CASE(a_retryable_answer_as_the_call_is_cancelled_ends_it_without_waiting) {
    start();
    acquired();
    opened();
    auto unavailable = reply(503, json_503);
    auto a = answered(unavailable, true);
    expect(a, call_action::release);
    BOOST_TEST(a.reusable);   // the connection itself is fine
    expect(released(), call_action::done);
    expect_aborted();
}

BOOST_AUTO_TEST_CASE(cancelled_during_the_backoff) {
    start();
    auto unavailable = reply(503, json_503);
    expect(attempt_on_new_connection(unavailable), call_action::wait_until);
    expect(waited(asio::error::operation_aborted), call_action::done);   // nothing held: no release
    expect_aborted();
    BOOST_TEST(result().body.empty());
}

BOOST_AUTO_TEST_SUITE_END()
