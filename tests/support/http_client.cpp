#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>

namespace owo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

raw_response call(unsigned short port, const std::string& ca_file, const raw_request& r) {
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<beast::tcp_stream> s(ioc, ctx);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), "127.0.0.1");
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(s).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    s.handshake(asio::ssl::stream_base::client);

    http::request<http::string_body> req{http::string_to_verb(r.method), r.target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!r.key.empty()) req.set(http::field::authorization, "Bearer " + r.key);
    if (!r.body.empty() && !r.headers.count("Content-Type")) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : r.headers) req.set(k, v);
    req.body() = r.body;
    req.prepare_payload();
    // An oversized request may be refused before it is fully written: read the answer anyway.
    boost::system::error_code write_ec;
    http::write(s, req, write_ec);

    beast::flat_buffer b;
    http::response_parser<http::string_body> parser;
    parser.body_limit(8 * 1024 * 1024);
    http::read(s, b, parser);
    auto& res = parser.get();
    raw_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    return out;
}

} // namespace owo::test
