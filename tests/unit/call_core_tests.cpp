// The call core (transport + connection_pool) against the scripted fake of tests/unit/fake_io:
// retries and their waits, Retry-After, idempotency keys, redials, the pool's bound, deadlines
// and how each failure is reported. Every case runs on one io_context with a fake clock.
#include "fake_io.hpp"
#include "transport.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace owo::detail;
using namespace owo::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

/// What config::on_request saw of one attempt (its string_views copied).
struct seen_attempt {
    std::string method, path, idempotency_key;
    int status = 0;
    int attempt = 0;
    boost::system::error_code error;
    bool reused = false;
};

request_spec get(std::string target = "/v1/customers/c1") {
    request_spec s;
    s.target = std::move(target);
    return s;
}

request_spec post(retry_safety safety, std::string key = "key-1", std::string target = "/v1/track") {
    request_spec s;
    s.method = http::verb::post;
    s.target = std::move(target);
    s.body = R"({"customer":"c1","feature":"api_calls","value":1})";
    s.safety = safety;
    s.idempotency_key = std::move(key);
    return s;
}

const std::string ok_body = R"({"success":true,"allowed":true})";
const std::string json_503 = R"({"success":false,"error":"Service unavailable"})";

/// A transport on the fake environment. Adjust `cfg` before the first call.
struct call_core {
    asio::io_context ioc;
    fake_environment env{ioc.get_executor()};
    owo::config cfg;
    std::unique_ptr<transport> http;
    std::vector<seen_attempt> attempts;
    int running = 0;   // calls started and not completed

    call_core() {
        cfg.secret_key = "sk_test";
        cfg.request_timeout = 30s;
        cfg.on_request = [this](const owo::request_event& e) {
            attempts.push_back({std::string(e.method), std::string(e.path), std::string(e.idempotency_key),
                                e.status, e.attempt, e.error, e.reused_connection});
        };
    }
    ~call_core() {
        run_ready(ioc);
        BOOST_TEST(env.unscripted() == 0u);
        BOOST_TEST(running == 0, "calls left suspended");
        if (running) (void)http.release();   // their frames still point at it: leak, do not crash
    }

    transport& core(bool tls = false) {
        if (!http)
            http = std::make_unique<transport>(ioc.get_executor(), env, cfg,
                                               "Host: api.test\r\nAuthorization: Bearer sk_test\r\n", tls);
        return *http;
    }

    /// Starts a call; the slot fills when it completes.
    std::shared_ptr<std::optional<call_result>> start(request_spec spec, bool tls = false) {
        auto slot = std::make_shared<std::optional<call_result>>();
        ++running;
        core(tls).async_execute(std::move(spec), [this, slot](call_result r) {
            --running;
            slot->emplace(std::move(r));
        });
        return slot;
    }

    /// Starts a call that cannot complete yet: it holds a held exchange, or waits for the pool.
    std::shared_ptr<std::optional<call_result>> start_pending(request_spec spec) {
        auto slot = start(std::move(spec));
        run_ready(ioc);
        BOOST_TEST_REQUIRE(!slot->has_value(), "the call completed at once");
        return slot;
    }

    /// Lets every held exchange answer, and runs what follows.
    void release_held() {
        env.release_held();
        run_ready(ioc);
    }

    /// Runs a call to completion (it must not wait for the test).
    call_result call(request_spec spec, bool tls = false) {
        auto slot = start(std::move(spec), tls);
        run_ready(ioc);
        BOOST_TEST_REQUIRE(slot->has_value(), "the call did not complete");
        return std::move(**slot);
    }

    void advance(clock::duration d) {
        env.advance(d);
        run_ready(ioc);
    }

    std::vector<long long> waits_ms() const {
        std::vector<long long> v;
        for (auto w : env.waits()) v.push_back(w.count());
        return v;
    }
};

std::vector<long long> ms(std::initializer_list<long long> v) { return v; }

} // namespace

BOOST_FIXTURE_TEST_SUITE(call_core_suite, call_core)

// --- Retry-After -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(retry_after_seconds_is_waited_exactly) {
    cfg.retry.max_backoff = 60s;
    env.script({reply(429).retry_after("3"), reply(200, ok_body)});
    auto r = call(get());
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 2);
    BOOST_TEST(r.body.at("allowed").as_bool());
    BOOST_TEST(waits_ms() == ms({3000}), boost::test_tools::per_element());
    BOOST_TEST(env.connections_made() == 1u);   // the 429 kept the connection alive
    BOOST_TEST(env.reused_exchanges() == 1);
    BOOST_TEST(!r.earlier_attempt_may_have_applied);   // a 429 was refused before processing
}

BOOST_AUTO_TEST_CASE(retry_after_http_date_is_taken_from_the_wall_clock) {
    cfg.retry.max_backoff = 60s;
    // The 429 arrives 2 s after 12:00:00 (the fake wall clock's start): 12:00:09 is 7 s away.
    env.script({reply(429).retry_after("Wed, 01 May 2024 12:00:09 GMT").taking(2s), reply(200, ok_body)});
    auto r = call(get());
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 2);
    BOOST_TEST(waits_ms() == ms({7000}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(retry_after_beyond_the_deadline_ends_the_call_at_once) {
    cfg.retry.max_backoff = 120s;
    cfg.request_timeout = 10s;
    env.script({reply(429, R"({"success":false,"error":"Too many requests"})").retry_after("30").request_id("req-9")});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::rate_limited), r.ec.message());
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(r.diag.http_status == 429);
    BOOST_TEST(r.diag.request_id == "req-9");
    BOOST_TEST(env.waits().empty());
}

BOOST_AUTO_TEST_CASE(retry_after_beyond_the_deadline_after_an_honoured_one) {
    cfg.retry.max_backoff = 120s;
    cfg.request_timeout = 10s;
    // 1 s is waited; then 9 s are asked with 9 s left: a retry could only start at the deadline.
    env.script({reply(429).retry_after("1"), reply(429).retry_after("9")});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::rate_limited), r.ec.message());
    BOOST_TEST(r.diag.attempts == 2);
    BOOST_TEST(waits_ms() == ms({1000}), boost::test_tools::per_element());
}

// --- 5xx and idempotency keys ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(idempotent_post_retries_503_with_the_same_key) {
    env.script({reply(503, json_503), reply(503, json_503), reply(200, ok_body)});
    auto r = call(post(retry_safety::idempotent, "key-attach-1", "/v1/attach"));
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 3);
    BOOST_TEST(r.earlier_attempt_may_have_applied);   // the 503s may have been processed
    auto sent = env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    for (auto& bytes : sent) {
        BOOST_TEST(request_line_start(bytes) == "POST /v1/attach");
        BOOST_TEST(header_value(bytes, "Idempotency-Key") == "key-attach-1");
    }
    // Backoff without Retry-After: 500 ms then 1000 ms, each jittered to 75-100 %.
    auto w = waits_ms();
    BOOST_TEST_REQUIRE(w.size() == 2u);
    BOOST_TEST((w[0] >= 375 && w[0] <= 500), w[0]);
    BOOST_TEST((w[1] >= 750 && w[1] <= 1000), w[1]);
    // The observer saw every attempt, numbered, with the key.
    BOOST_TEST_REQUIRE(attempts.size() == 3u);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(attempts[i].attempt == i + 1);
        BOOST_TEST(attempts[i].method == "POST");
        BOOST_TEST(attempts[i].path == "/v1/attach");
        BOOST_TEST(attempts[i].idempotency_key == "key-attach-1");
        BOOST_TEST(attempts[i].status == (i < 2 ? 503 : 200));
        BOOST_TEST(attempts[i].reused == (i > 0));
    }
    BOOST_TEST((attempts[0].error == owo::error::server_error));
    BOOST_TEST(!attempts[2].error);
}

BOOST_AUTO_TEST_CASE(usage_post_is_not_retried_on_503_without_honoured_keys) {
    env.script({reply(503, json_503)});
    auto r = call(post(retry_safety::counts_usage));
    BOOST_TEST((r.ec == owo::error::server_error), r.ec.message());
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(r.diag.http_status == 503);
    BOOST_TEST(r.diag.message == "Service unavailable");
    BOOST_TEST(env.requests().size() == 1u);
    BOOST_TEST(env.waits().empty());
}

BOOST_AUTO_TEST_CASE(usage_post_is_retried_on_503_when_the_server_honours_keys) {
    env.script({reply(503, json_503).honours_idempotency(), reply(200, ok_body).honours_idempotency()});
    auto r = call(post(retry_safety::counts_usage, "key-track-7"));
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 2);
    BOOST_TEST(!r.earlier_attempt_may_have_applied);   // the server replays, it does not double-count
    BOOST_TEST(core().server_honours_idempotency());
    auto sent = env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(header_value(sent[0], "Idempotency-Key") == "key-track-7");
    BOOST_TEST(header_value(sent[1], "Idempotency-Key") == "key-track-7");
    BOOST_TEST_REQUIRE(attempts.size() == 2u);
    BOOST_TEST(attempts[1].attempt == 2);
    BOOST_TEST(attempts[1].idempotency_key == "key-track-7");
}

// --- connections -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(reset_on_a_reused_connection_redials_once) {
    env.script({reply(200, ok_body), fail(asio::error::connection_reset)});
    env.script({reply(200, ok_body)});
    BOOST_TEST(!call(get()).ec);
    auto r = call(get("/v1/customers/c2"));
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 1);   // the redial is part of the same attempt
    BOOST_TEST(env.waits().empty());
    BOOST_TEST(env.connections_made() == 2u);
    BOOST_TEST(env.connection(0).closes == 1);
    BOOST_TEST(env.connection(1).closes == 0);   // idle in the pool
    BOOST_TEST(env.connection(1).opened);
    BOOST_TEST_REQUIRE(env.connection(1).requests.size() == 1u);
    BOOST_TEST(request_line_start(env.connection(1).requests[0]) == "GET /v1/customers/c2");
    auto s = core().stats();
    BOOST_TEST(s.connections_opened == 2u);
    BOOST_TEST(s.open_connections == 1u);
    BOOST_TEST(s.idle_connections == 1u);
}

BOOST_AUTO_TEST_CASE(pool_exhausted_past_the_wait_budget) {
    cfg.pool.max_connections = 1;
    env.script({reply(200, ok_body).held_until_released(), reply(200, ok_body)});
    auto first = start_pending(get("/v1/customers/a"));    // holds the only connection
    auto second = start_pending(get("/v1/customers/b"));   // waits for it
    advance(29s);
    BOOST_TEST_REQUIRE(!second->has_value());
    advance(1s);   // the second call's deadline
    BOOST_TEST_REQUIRE(second->has_value());
    const call_result& r = **second;
    BOOST_TEST((r.ec == owo::error::pool_exhausted), r.ec.message());
    BOOST_TEST(r.diag.code == "pool_exhausted");
    BOOST_TEST(r.diag.message.find("max_connections = 1") != std::string::npos, r.diag.message);
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(env.connections_made() == 1u);
    // The first call ends when the server answers; its connection then serves the next call.
    release_held();
    BOOST_TEST_REQUIRE(first->has_value());
    BOOST_TEST(!(*first)->ec);
    BOOST_TEST(!call(get("/v1/customers/c")).ec);
    BOOST_TEST(env.connections_made() == 1u);
    BOOST_TEST(env.pending_timers() == 0u);
}

BOOST_AUTO_TEST_CASE(a_freed_connection_is_handed_to_the_waiter) {
    cfg.pool.max_connections = 1;
    env.script({reply(200, ok_body).held_until_released(), reply(200, ok_body)});
    auto first = start_pending(get("/v1/customers/a"));
    auto second = start_pending(get("/v1/customers/b"));
    advance(5s);
    BOOST_TEST_REQUIRE(!second->has_value());
    release_held();
    BOOST_TEST_REQUIRE(first->has_value());
    BOOST_TEST_REQUIRE(second->has_value());
    BOOST_TEST(!(*second)->ec, (*second)->ec.message());
    BOOST_TEST(env.connections_made() == 1u);
    BOOST_TEST(env.connection(0).requests.size() == 2u);
    BOOST_TEST(core().stats().reuses == 1u);
    BOOST_TEST(env.pending_timers() == 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_connection_hands_its_slot_to_the_waiter) {
    cfg.pool.max_connections = 1;
    cfg.retry.max_retries = 0;
    env.script({fail(asio::error::connection_reset, false).held_until_released()});
    env.script({reply(200, ok_body)});
    auto first = start_pending(get("/v1/customers/a"));
    auto second = start_pending(get("/v1/customers/b"));
    release_held();
    BOOST_TEST_REQUIRE(first->has_value());
    BOOST_TEST(((*first)->ec == asio::error::connection_reset));
    BOOST_TEST_REQUIRE(second->has_value());
    BOOST_TEST(!(*second)->ec, (*second)->ec.message());
    BOOST_TEST(env.connections_made() == 2u);   // the waiter dialled in the freed slot
    BOOST_TEST(env.connection(0).closes == 1);
    BOOST_TEST(core().stats().open_connections == 1u);
}

BOOST_AUTO_TEST_CASE(idle_and_closed_connections_are_not_reused) {
    cfg.pool.idle_timeout = 10s;
    env.script({reply(200, ok_body)});
    env.script({reply(200, ok_body).connection_close()});
    env.script({reply(200, ok_body)});
    BOOST_TEST(!call(get()).ec);
    advance(10s);   // idle for the whole idle_timeout: the server may have closed it
    BOOST_TEST(!call(get()).ec);
    BOOST_TEST(!call(get()).ec);   // the last answer said "Connection: close"
    BOOST_TEST(env.connections_made() == 3u);
    BOOST_TEST(env.connection(0).closes == 1);
    BOOST_TEST(env.connection(1).closes == 1);
    BOOST_TEST(env.reused_exchanges() == 0);
}

BOOST_AUTO_TEST_CASE(reset_on_a_fresh_connection_is_an_ordinary_attempt) {
    env.script({fail(asio::error::connection_reset)});
    env.script({reply(200, ok_body)});
    auto r = call(get());
    BOOST_TEST(!r.ec, r.ec.message());
    BOOST_TEST(r.diag.attempts == 2);   // not a redial: a retry, after a backoff
    BOOST_TEST(env.waits().size() == 1u);
}

BOOST_AUTO_TEST_CASE(usage_post_reset_on_a_fresh_connection_is_not_replayed) {
    env.script({fail(asio::error::connection_reset)});   // the request may have reached the server
    auto u = call(post(retry_safety::counts_usage));
    BOOST_TEST((u.ec == asio::error::connection_reset), u.ec.message());
    BOOST_TEST(u.diag.attempts == 1);
    BOOST_TEST(env.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(reset_after_response_bytes_on_a_reused_connection_is_not_redialled) {
    cfg.retry.max_retries = 0;
    env.script({reply(200, ok_body), fail(asio::error::connection_reset, true)});
    BOOST_TEST(!call(get()).ec);
    auto r = call(get());
    BOOST_TEST((r.ec == asio::error::connection_reset), r.ec.message());
    BOOST_TEST(env.connections_made() == 1u);
}

BOOST_AUTO_TEST_CASE(timeout_mid_body_discards_the_connection) {
    cfg.retry.max_retries = 0;
    env.script({fail(boost::beast::error::timeout, true)});
    env.script({reply(200, ok_body)});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::timeout), r.ec.message());
    BOOST_TEST(r.diag.code == "timeout");
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(env.connection(0).closes == 1);
    BOOST_TEST(!call(get()).ec);   // on a new connection
    BOOST_TEST(env.connections_made() == 2u);
    BOOST_TEST(env.connection(0).requests.size() == 1u);
    BOOST_TEST(env.reused_exchanges() == 0);
}

// --- how failures are reported ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tls_handshake_failure_keeps_its_ssl_code) {
    const boost::system::error_code wrong_version(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER)),
                                                  asio::error::get_ssl_category());
    env.script(open_fails(wrong_version));
    auto r = call(get(), true);
    BOOST_TEST((r.ec == wrong_version), r.ec.message());
    BOOST_TEST((r.ec.category() == asio::error::get_ssl_category()));
    BOOST_TEST(r.diag.message.starts_with("TLS handshake failed"), r.diag.message);
    BOOST_TEST(r.diag.code == "transport_error");
    BOOST_TEST(r.diag.attempts == 1);   // a protocol mismatch stays one: not retried
    BOOST_TEST(env.connections_made() == 1u);
    BOOST_TEST(env.closed() == 1);
    BOOST_TEST(core().stats().tls_handshakes == 0u);
}

BOOST_AUTO_TEST_CASE(tls_verify_failure_reports_the_reason) {
    const boost::system::error_code verify(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
                                           asio::error::get_ssl_category());
    env.script(open_fails(verify, "certificate has expired"));
    auto r = call(get(), true);
    BOOST_TEST((r.ec == verify));
    BOOST_TEST(r.diag.message == "TLS handshake failed: certificate has expired");
    BOOST_TEST(r.diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(tls_stream_truncated_is_retried_and_kept) {
    for (int i = 0; i < 3; ++i) env.script(open_fails(asio::ssl::error::stream_truncated));
    auto r = call(get(), true);
    BOOST_TEST((r.ec == asio::ssl::error::stream_truncated), r.ec.message());
    BOOST_TEST((r.ec.category() == asio::ssl::error::get_stream_category()));
    BOOST_TEST(r.diag.message.starts_with("TLS handshake failed"), r.diag.message);
    BOOST_TEST(r.diag.attempts == 3);   // nothing was sent: every attempt may retry
    BOOST_TEST(env.connections_made() == 3u);
    BOOST_TEST(env.requests().empty());
}

BOOST_AUTO_TEST_CASE(tls_error_while_reading_is_not_called_a_handshake_failure) {
    cfg.retry.max_retries = 0;
    const boost::system::error_code bad_mac(
        static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)),
        asio::error::get_ssl_category());
    env.script({fail(bad_mac, true)});
    auto r = call(get(), true);
    BOOST_TEST((r.ec == bad_mac), r.ec.message());
    BOOST_TEST(r.diag.code == "transport_error");
    BOOST_TEST(!r.diag.message.starts_with("TLS handshake failed"), r.diag.message);   // the handshake succeeded
    BOOST_TEST(core().stats().tls_handshakes == 1u);
}

BOOST_AUTO_TEST_CASE(body_over_max_response_bytes_is_bad_response) {
    cfg.max_response_bytes = 4096;
    env.script({fail(http::error::body_limit, true)});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::bad_response), r.ec.message());
    BOOST_TEST(r.diag.code == "bad_response");
    BOOST_TEST(r.diag.message.find("max_response_bytes (4096 bytes)") != std::string::npos, r.diag.message);
    BOOST_TEST(r.diag.attempts == 1);   // the same body would come again
    BOOST_TEST(env.closed() == 1);
}

BOOST_AUTO_TEST_CASE(proxy_html_502_is_unexpected_status_with_an_excerpt) {
    const std::string page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                             "</h1></center><hr><center>nginx</center>" + std::string(400, ' ') + "</body></html>";
    env.script({reply(502, page), reply(502, page), reply(502, page)});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::unexpected_status), r.ec.message());
    BOOST_TEST(r.diag.http_status == 502);
    BOOST_TEST(r.diag.attempts == 3);
    BOOST_TEST(r.diag.message.starts_with("<html><head><title>502 Bad Gateway"), r.diag.message);
    BOOST_TEST(r.diag.message.size() <= 203u);   // 200 characters and "..."
    BOOST_TEST(r.diag.message.ends_with("..."));
    BOOST_TEST(r.diag.body.empty());
}

BOOST_AUTO_TEST_CASE(malformed_json_200_is_bad_response) {
    env.script({reply(200, R"({"success":true,"allowed":tru)")});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::bad_response), r.ec.message());
    BOOST_TEST(r.diag.code == "bad_response");
    BOOST_TEST(r.diag.http_status == 200);
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(r.diag.message.starts_with("response body is not a JSON object"), r.diag.message);
}

// --- the deadline ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_exchange_past_the_deadline_is_a_timeout_without_retry) {
    cfg.request_timeout = 10s;
    const auto started = env.now();
    env.script({reply(200, ok_body).taking(15s)});
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::timeout), r.ec.message());
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST((env.now() - started == 10s));   // ended at the deadline
    BOOST_TEST(env.waits().empty());
    BOOST_TEST(env.requests().size() == 1u);
    BOOST_TEST(env.closed() == 1);
}

BOOST_AUTO_TEST_CASE(no_retry_when_the_backoff_would_pass_the_deadline) {
    cfg.request_timeout = 10s;
    env.script({reply(503, json_503).taking(9800ms)});   // 200 ms left, the backoff is 375-500 ms
    auto r = call(get());
    BOOST_TEST((r.ec == owo::error::server_error), r.ec.message());
    BOOST_TEST(r.diag.attempts == 1);
    BOOST_TEST(env.waits().empty());
    BOOST_TEST(env.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
