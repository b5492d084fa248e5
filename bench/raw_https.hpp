// A minimal hand-written Beast coroutine HTTPS client: the "limit of this stack" the SDK is
// measured against, and the load generator for server throughput. Same headers and body as
// the SDK sends, no retries, no pool, no JSON decoding beyond what a caller does itself.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace owo::bench {

struct raw_target {
    std::string host = "127.0.0.1";
    std::string port;
    std::string key;        // bearer secret
};

/// One keep-alive TLS connection, requests sent one after another.
class raw_connection {
public:
    raw_connection(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, raw_target target);
    boost::asio::awaitable<void> connect();
    /// Sends one request, reads one response; returns the HTTP status. Throws on I/O errors.
    boost::asio::awaitable<int> call(boost::beast::http::verb method, const std::string& target,
                                     const std::string& body);
    std::size_t last_body_size() const { return res_.body().size(); }
    /// Parse each response body as JSON, as any client that reads its answers must (the SDK
    /// baseline); off for load generation.
    bool parse_body = false;

private:
    boost::asio::ssl::stream<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
    raw_target target_;
    boost::beast::http::request<boost::beast::http::string_body> req_;
    boost::beast::http::response<boost::beast::http::string_body> res_;
};

/// A client TLS context that trusts `ca_file`, or verifies nothing when it is empty (the
/// trivial comparison server uses a throw-away self-signed certificate).
boost::asio::ssl::context make_client_tls(const std::string& ca_file);

} // namespace owo::bench
