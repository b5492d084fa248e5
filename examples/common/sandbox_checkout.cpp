#include "sandbox_checkout.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

namespace owo::examples {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<int> complete_sandbox_checkout(std::string url, std::string ca_file) {
    auto u = boost::urls::parse_uri(url).value();
    auto ex = co_await asio::this_coro::executor;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (ca_file.empty()) ctx.set_default_verify_paths();
    else ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);

    std::string host(u.host_address());
    asio::ssl::stream<beast::tcp_stream> stream(ex, ctx);
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec) {   // a name: SNI and host name verification
        SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
        stream.set_verify_callback(asio::ssl::host_name_verification(host));
    } else {    // an IP literal: verify the certificate's IP SAN
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), host.c_str());
    }

    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(std::chrono::seconds(10));
    asio::ip::tcp::resolver resolver(ex);
    std::string port = u.has_port() ? std::string(u.port()) : "443";   // not inside co_await: g++ 12
    auto endpoints = co_await resolver.async_resolve(host, port, asio::use_awaitable);
    co_await tcp.async_connect(endpoints, asio::use_awaitable);
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);

    http::request<http::empty_body> req{http::verb::get, std::string(u.encoded_target()), 11};
    req.set(http::field::host, std::string(u.encoded_host_and_port()));
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    co_return static_cast<int>(res.result_int());
}

} // namespace owo::examples
