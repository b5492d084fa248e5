// Timeouts, the per-call deadline, cancellation and TLS-to-plain-port, against small raw TCP
// peers on loopback that misbehave on purpose. Every case is bounded by short timeouts.
#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// A loopback TCP peer on its own thread. `silent` peers accept and never answer; others
/// answer every connection with `reply` and close.
class raw_peer {
public:
    explicit raw_peer(std::string reply = {}) : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}), reply_(std::move(reply)) {
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~raw_peer() {
        asio::post(ioc_, [this] { ioc_.stop(); });
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec) return;
            auto sock = std::make_shared<tcp::socket>(std::move(s));
            held_.push_back(sock);   // silent peers keep the connection open, saying nothing
            if (!reply_.empty()) {
                // Answer as soon as anything arrives (a TLS hello, or a request's first bytes).
                auto buf = std::make_shared<std::array<char, 4096>>();
                sock->async_read_some(asio::buffer(*buf), [this, sock, buf](boost::system::error_code, std::size_t) {
                    asio::async_write(*sock, asio::buffer(reply_), [sock](boost::system::error_code, std::size_t) {
                        boost::system::error_code ignored;
                        sock->shutdown(tcp::socket::shutdown_both, ignored);
                    });
                });
            }
            accept();
        });
    }
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::string reply_;
    std::vector<std::shared_ptr<tcp::socket>> held_;
    std::thread thread_;
};

owo::config fast_config(std::string url) {
    owo::config c;
    c.secret_key = "sk_test_fault";
    c.api_url = std::move(url);
    c.use_system_trust_store = false;
    c.request_timeout = 5s;
    c.connect_timeout = 1s;
    c.handshake_timeout = 300ms;
    c.io_timeout = 300ms;
    c.retry.initial_backoff = 10ms;
    c.retry.max_backoff = 50ms;
    return c;
}

struct outcome {
    boost::system::error_code ec;
    owo::diagnostics diag;
    clock_type::duration took{};
    owo::pool_counters after;   // the pool once the call completed
};

outcome plans_call(const owo::config& cfg, std::chrono::milliseconds cancel_after = 0ms) {
    asio::io_context ioc;
    owo::client client(ioc.get_executor(), cfg);
    asio::cancellation_signal cancel;
    asio::steady_timer timer(ioc, cancel_after);
    if (cancel_after.count() > 0)
        timer.async_wait([&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
    outcome out;
    auto start = clock_type::now();
    client.async_plans({}, out.diag, asio::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec, auto) {
        out.ec = ec;
        out.took = clock_type::now() - start;
        timer.cancel();
    }));
    ioc.run();
    out.after = client.stats();
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(silent_peer_hits_the_handshake_timeout_then_retries_then_gives_up) {
    raw_peer silent;
    auto cfg = fast_config("https://127.0.0.1:" + std::to_string(silent.port()) + "/v1");
    auto r = plans_call(cfg);
    BOOST_TEST((r.ec == owo::error::timeout), r.ec.message());
    BOOST_TEST(r.diag.attempts == 3);   // a timeout before anything was sent is retried (2 retries)
    BOOST_TEST(r.took < 3s);
}

BOOST_AUTO_TEST_CASE(the_per_call_deadline_bounds_everything) {
    raw_peer silent;
    auto cfg = fast_config("https://127.0.0.1:" + std::to_string(silent.port()) + "/v1");
    cfg.handshake_timeout = 10s;
    cfg.request_timeout = 400ms;
    auto r = plans_call(cfg);
    BOOST_TEST((r.ec == owo::error::timeout), r.ec.message());
    BOOST_TEST(r.took >= 350ms);
    BOOST_TEST(r.took < 2s);
}

BOOST_AUTO_TEST_CASE(cancellation_slot_aborts_the_call_promptly) {
    raw_peer silent;
    auto cfg = fast_config("https://127.0.0.1:" + std::to_string(silent.port()) + "/v1");
    cfg.handshake_timeout = 10s;
    auto r = plans_call(cfg, 150ms);
    BOOST_TEST((r.ec == asio::error::operation_aborted), r.ec.message());
    BOOST_TEST(r.took < 2s);
    BOOST_TEST(r.after.connections_opened == 1u);
    BOOST_TEST(r.after.open_connections == 0u);   // the connection it was using is discarded
}

BOOST_AUTO_TEST_CASE(tls_to_a_plain_http_port_is_a_clear_tls_error) {
    raw_peer plain("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    auto cfg = fast_config("https://127.0.0.1:" + std::to_string(plain.port()) + "/v1");
    auto r = plans_call(cfg);
    BOOST_TEST((r.ec.category() == asio::error::get_ssl_category()), r.ec.message());
    BOOST_TEST(r.diag.message.starts_with("TLS handshake failed"), r.diag.message);
    BOOST_TEST(r.diag.attempts == 1);   // the peer does not speak TLS: retrying cannot help
}

BOOST_AUTO_TEST_CASE(non_json_answer_is_bad_response) {
    raw_peer html("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html></html>");
    auto cfg = fast_config("http://127.0.0.1:" + std::to_string(html.port()) + "/v1");
    auto r = plans_call(cfg);
    BOOST_TEST((r.ec == owo::error::bad_response), r.ec.message());
    BOOST_TEST(r.diag.message.find("<html>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(oversized_answer_is_refused) {
    std::string body(4096, 'x');
    raw_peer big("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n" + body);
    auto cfg = fast_config("http://127.0.0.1:" + std::to_string(big.port()) + "/v1");
    cfg.max_response_bytes = 1024;
    auto r = plans_call(cfg);
    // As the README promises: bad_response, not Beast's own body_limit code.
    BOOST_TEST((r.ec == owo::error::bad_response), r.ec.message());
    BOOST_TEST(r.diag.message.find("max_response_bytes") != std::string::npos, r.diag.message);
    BOOST_TEST(r.diag.attempts == 1);
}

BOOST_AUTO_TEST_CASE(connection_refused_is_retried_then_reported) {
    unsigned short closed_port;
    {
        asio::io_context ioc;
        tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        closed_port = a.local_endpoint().port();
    }
    auto r = plans_call(fast_config("https://127.0.0.1:" + std::to_string(closed_port) + "/v1"));
    BOOST_TEST((r.ec == asio::error::connection_refused), r.ec.message());
    BOOST_TEST(r.diag.attempts == 3);
}

BOOST_AUTO_TEST_SUITE_END()
