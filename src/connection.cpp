#include "connection.hpp"

#include "tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <optional>

namespace owo::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

connection::connection(asio::any_io_executor ex, asio::ssl::context& tls, const base_url& origin,
                       const config& cfg)
    : stream_(std::move(ex), tls), origin_(origin), cfg_(cfg) {}

clock::time_point connection::phase_deadline(std::chrono::milliseconds phase, clock::time_point deadline) const {
    return std::min(clock::now() + phase, deadline);
}

void connection::close() noexcept {
    error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
}

asio::awaitable<error_code> connection::open(clock::time_point deadline) {
    error_code ec;
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    auto ex = co_await asio::this_coro::executor;

    tcp::resolver::results_type endpoints;
    if (is_ip_literal(origin_.host)) {
        auto addr = asio::ip::make_address(origin_.host);
        auto port = static_cast<unsigned short>(std::stoi(origin_.port));
        endpoints = tcp::resolver::results_type::create(tcp::endpoint(addr, port), origin_.host, origin_.port);
    } else {
        // The resolver has no timeout of its own: a timer cancels it.
        auto resolver = std::make_shared<tcp::resolver>(ex);
        auto timer = std::make_shared<asio::steady_timer>(ex, phase_deadline(cfg_.connect_timeout, deadline));
        timer->async_wait([resolver](error_code e) { if (!e) resolver->cancel(); });
        endpoints = co_await resolver->async_resolve(origin_.host, origin_.port,
                                                     asio::redirect_error(asio::use_awaitable, ec));
        timer->cancel();
        if (ec == asio::error::operation_aborted && clock::now() >= deadline) ec = beast::error::timeout;
        if (ec) co_return ec;
    }

    tcp_layer.expires_at(phase_deadline(cfg_.connect_timeout, deadline));
    co_await tcp_layer.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    tcp_layer.socket().set_option(tcp::no_delay(true), ec);
    ec.clear();

    if (origin_.tls) {
        if (!prepare_tls_handle(stream_.native_handle(), origin_.host, !cfg_.insecure_skip_tls_verify)) {
            failure_reason_ = "cannot set TLS host name";
            co_return asio::error::invalid_argument;
        }
        tcp_layer.expires_at(phase_deadline(cfg_.handshake_timeout, deadline));
        co_await stream_.async_handshake(asio::ssl::stream_base::client,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            failure_reason_ = describe_tls_failure(stream_.native_handle());   // empty unless a certificate was refused
            co_return ec;
        }
    }
    tcp_layer.expires_never();
    open_ = true;
    co_return ec;
}

asio::awaitable<exchange_result> connection::exchange(clock::time_point deadline) {
    exchange_result r;
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    auto token = asio::redirect_error(asio::use_awaitable, r.ec);

    tcp_layer.expires_at(phase_deadline(cfg_.io_timeout, deadline));
    auto out = asio::buffer(request_);
    if (origin_.tls) co_await asio::async_write(stream_, out, token);
    else co_await asio::async_write(stream_.next_layer(), out, token);
    if (r.ec) co_return r;
    r.wrote_request = true;

    response_reader reader(response_);
    reader.body_limit(cfg_.max_response_bytes);
    reader.header_limit(max_response_header_bytes);
    tcp_layer.expires_at(phase_deadline(cfg_.io_timeout, deadline));
    if (origin_.tls) co_await http::async_read(stream_, buffer_, reader, token);
    else co_await http::async_read(stream_.next_layer(), buffer_, reader, token);
    r.got_response_bytes = reader.got_some() || buffer_.size() > 0;
    tcp_layer.expires_never();
    if (r.ec) co_return r;
    ++exchanges_;
    idle_since_ = clock::now();
    co_return r;
}

namespace {

class asio_wake_timer final : public wake_timer {
public:
    explicit asio_wake_timer(asio::any_io_executor ex) : timer_(std::move(ex)) {}
    void expires_at(clock::time_point t) override { timer_.expires_at(t); }
    void async_wait(asio::any_completion_handler<void(error_code)> h) override { timer_.async_wait(std::move(h)); }
    void cancel() override { timer_.cancel(); }

private:
    asio::steady_timer timer_;
};

} // namespace

std::unique_ptr<connection_io> asio_environment::make_connection() {
    return std::make_unique<connection>(executor_, tls_, origin_, cfg_);
}

std::unique_ptr<wake_timer> asio_environment::make_timer() { return std::make_unique<asio_wake_timer>(executor_); }

asio::awaitable<void> asio_environment::sleep_until(clock::time_point t) {
    asio::steady_timer timer(co_await asio::this_coro::executor, t);
    co_await timer.async_wait(asio::use_awaitable);
}

} // namespace owo::detail
