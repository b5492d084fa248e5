// One keep-alive HTTP(S) connection: dial (resolve, connect, TLS handshake), then exchange
// one request for one response at a time. Every phase is bounded by its own timeout and by
// the call's deadline. A connection that failed in any way is never reused.
// Used by one call at a time (it is leased from the pool), from any thread.
#pragma once

#include "response_reader.hpp"
#include "urls.hpp"

#include <owostack/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <string>

namespace owo::detail {

using clock = std::chrono::steady_clock;

struct exchange_result {
    boost::system::error_code ec;
    bool wrote_request = false;       ///< the whole request was handed to the socket
    bool got_response_bytes = false;  ///< any byte of a response arrived
};

class connection {
public:
    connection(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, const base_url& origin,
               const config& cfg);

    /// Resolve, connect and (for https) handshake. On a certificate failure `failure_reason`
    /// says why in words.
    boost::asio::awaitable<boost::system::error_code> open(clock::time_point deadline);
    bool is_open() const noexcept { return open_; }

    /// The bytes of the next request; filled by the caller before exchange().
    std::string& request_bytes() noexcept { return request_; }
    /// Writes request_bytes() and reads one response into response() (body limited to
    /// config::max_response_bytes).
    boost::asio::awaitable<exchange_result> exchange(clock::time_point deadline);
    const received_response& response() const noexcept { return response_; }

    const std::string& failure_reason() const noexcept { return failure_reason_; }
    /// True once this connection has completed at least one exchange (i.e. it is pooled).
    bool reused() const noexcept { return exchanges_ > 0; }
    clock::time_point idle_since() const noexcept { return idle_since_; }
    void close() noexcept;

private:
    clock::time_point phase_deadline(std::chrono::milliseconds phase, clock::time_point deadline) const;

    boost::asio::ssl::stream<boost::beast::tcp_stream> stream_;
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

} // namespace owo::detail
