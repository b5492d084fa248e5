#include "connection.hpp"

#include "tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/consign.hpp>
#include <boost/asio/steady_timer.hpp>
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
    : stream_(ex, tls), resolver_(ex), resolve_timer_(ex), origin_(origin), cfg_(cfg) {}

clock::time_point connection::phase_deadline(std::chrono::milliseconds phase, clock::time_point deadline) const {
    return std::min(clock::now() + phase, deadline);
}

void connection::close() noexcept {
    error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
}

// Resolve (host names only), connect, handshake (https): each phase bounded by its own timeout
// and by the call's deadline.
struct connection::open_op {
    connection& c;
    clock::time_point deadline;

    template <class Self>
    void operator()(Self& self) {
        if (is_ip_literal(c.origin_.host)) {
            error_code ec;
            auto addr = asio::ip::make_address(c.origin_.host, ec);
            if (ec) return self.complete(ec);
            auto port = static_cast<unsigned short>(std::stoi(c.origin_.port));
            return connect(self, tcp::resolver::results_type::create(tcp::endpoint(addr, port), c.origin_.host,
                                                                     c.origin_.port));
        }
        // The resolver has no timeout of its own: a timer cancels it.
        c.resolve_timer_.expires_at(c.phase_deadline(c.cfg_.connect_timeout, deadline));
        c.resolve_timer_.async_wait([&r = c.resolver_](error_code e) {
            if (!e) r.cancel();
        });
        c.resolver_.async_resolve(c.origin_.host, c.origin_.port, std::move(self));
    }

    template <class Self>
    void operator()(Self& self, error_code ec, tcp::resolver::results_type endpoints) {
        c.resolve_timer_.cancel();
        if (ec == asio::error::operation_aborted && clock::now() >= deadline) ec = beast::error::timeout;
        if (ec) return self.complete(ec);
        connect(self, std::move(endpoints));
    }

    template <class Self>
    void connect(Self& self, const tcp::resolver::results_type& endpoints) {
        auto& tcp_layer = beast::get_lowest_layer(c.stream_);
        tcp_layer.expires_at(c.phase_deadline(c.cfg_.connect_timeout, deadline));
        tcp_layer.async_connect(endpoints, std::move(self));
    }

    template <class Self>
    void operator()(Self& self, error_code ec, const tcp::endpoint&) {
        if (ec) return self.complete(ec);
        auto& tcp_layer = beast::get_lowest_layer(c.stream_);
        tcp_layer.socket().set_option(tcp::no_delay(true), ec);
        if (!c.origin_.tls) return opened(self);
        if (!prepare_tls_handle(c.stream_.native_handle(), c.origin_.host, !c.cfg_.insecure_skip_tls_verify)) {
            c.failure_reason_ = "cannot set TLS host name";
            return self.complete(asio::error::invalid_argument);
        }
        tcp_layer.expires_at(c.phase_deadline(c.cfg_.handshake_timeout, deadline));
        c.stream_.async_handshake(asio::ssl::stream_base::client, std::move(self));
    }

    template <class Self>
    void operator()(Self& self, error_code ec) {   // the handshake
        if (ec) {
            c.failure_reason_ = describe_tls_failure(c.stream_.native_handle());   // empty unless a certificate was refused
            return self.complete(ec);
        }
        opened(self);
    }

    template <class Self>
    void opened(Self& self) {
        beast::get_lowest_layer(c.stream_).expires_never();
        c.open_ = true;
        self.complete(error_code{});
    }
};

void connection::async_open(clock::time_point deadline, open_handler h) {
    asio::async_compose<open_handler, void(error_code)>(open_op{*this, deadline}, h, stream_);
}

// Writes the request, then reads one response; each phase bounded by io_timeout and the
// call's deadline.
struct connection::exchange_op {
    connection& c;
    clock::time_point deadline;
    bool reading = false;
    exchange_result r{};

    template <class Self>
    void operator()(Self& self) {
        beast::get_lowest_layer(c.stream_).expires_at(c.phase_deadline(c.cfg_.io_timeout, deadline));
        auto out = asio::buffer(c.request_);
        if (c.origin_.tls) asio::async_write(c.stream_, out, std::move(self));
        else asio::async_write(c.stream_.next_layer(), out, std::move(self));
    }

    template <class Self>
    void operator()(Self& self, error_code ec, std::size_t) {
        auto& tcp_layer = beast::get_lowest_layer(c.stream_);
        if (!reading) {
            if (ec) {
                r.ec = ec;
                return self.complete(r);
            }
            r.wrote_request = true;
            reading = true;
            auto& reader = c.reader_.emplace(c.response_);
            reader.body_limit(c.cfg_.max_response_bytes);
            reader.header_limit(max_response_header_bytes);
            tcp_layer.expires_at(c.phase_deadline(c.cfg_.io_timeout, deadline));
            if (c.origin_.tls) http::async_read(c.stream_, c.buffer_, reader, std::move(self));
            else http::async_read(c.stream_.next_layer(), c.buffer_, reader, std::move(self));
            return;
        }
        r.ec = ec;
        r.got_response_bytes = c.reader_->got_some() || c.buffer_.size() > 0;
        tcp_layer.expires_never();
        if (!ec) {
            ++c.exchanges_;
            c.idle_since_ = clock::now();
        }
        self.complete(r);
    }
};

void connection::async_exchange(clock::time_point deadline, exchange_handler h) {
    asio::async_compose<exchange_handler, void(exchange_result)>(exchange_op{*this, deadline}, h, stream_);
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

void asio_environment::async_sleep_until(clock::time_point t, io_handler<void(error_code)> h) {
    // Only retries wait: a timer of their own, kept alive by the handler.
    auto timer = std::make_unique<asio::steady_timer>(executor_, t);
    auto& waiting = *timer;
    waiting.async_wait(asio::consign(std::move(h), std::move(timer)));
}

} // namespace owo::detail
