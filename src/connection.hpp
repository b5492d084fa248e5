// The real connection_io and io_environment: keep-alive HTTP(S) over Beast's tcp_stream (with
// OpenSSL for https), Asio timers and the steady clock. Every phase of a connection is bounded
// by its own timeout and by the call's deadline; a connection that failed is never reused.
#pragma once

#include "io_seam.hpp"
#include "urls.hpp"

#include <owostack/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <optional>
#include <string>

namespace owo::detail {

class connection final : public connection_io {
public:
    connection(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, const base_url& origin,
               const config& cfg);

    void async_open(clock::time_point deadline, open_handler h) override;
    bool is_open() const noexcept override { return open_; }
    std::string& request_bytes() noexcept override { return request_; }
    /// Reads with the body limited to config::max_response_bytes.
    void async_exchange(clock::time_point deadline, exchange_handler h) override;
    const received_response& response() const noexcept override { return response_; }
    const std::string& failure_reason() const noexcept override { return failure_reason_; }
    bool reused() const noexcept override { return exchanges_ > 0; }
    clock::time_point idle_since() const noexcept override { return idle_since_; }
    void close() noexcept override;

private:
    struct open_op;
    struct exchange_op;
    clock::time_point phase_deadline(std::chrono::milliseconds phase, clock::time_point deadline) const;

    boost::asio::ssl::stream<boost::beast::tcp_stream> stream_;
    boost::asio::ip::tcp::resolver resolver_;   // host names only; the timer bounds it
    boost::asio::steady_timer resolve_timer_;
    std::optional<response_reader> reader_;    // the response being read
    boost::beast::flat_buffer buffer_;   // bytes of the next response may already be here
    std::string request_;                // reused: capacity kept between requests
    received_response response_;         // likewise
    const base_url& origin_;
    const config& cfg_;
    std::string failure_reason_;
    std::size_t exchanges_ = 0;
    bool open_ = false;
    clock::time_point idle_since_ = clock::now();
};

/// Connections to one origin created on the client's executor; Asio timers; the real clocks.
class asio_environment final : public io_environment {
public:
    asio_environment(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, const base_url& origin,
                     const config& cfg)
        : executor_(std::move(ex)), tls_(tls), origin_(origin), cfg_(cfg) {}

    std::unique_ptr<connection_io> make_connection() override;
    std::unique_ptr<wake_timer> make_timer() override;
    clock::time_point now() const override { return clock::now(); }
    std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
    void async_sleep_until(clock::time_point t, io_handler<void(boost::system::error_code)> h) override;

private:
    boost::asio::any_io_executor executor_;
    boost::asio::ssl::context& tls_;
    const base_url& origin_;
    const config& cfg_;
};

} // namespace owo::detail
