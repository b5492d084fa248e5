#include "harness.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <memory>

namespace owo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

local_server& shared_server() {
    static local_server srv([] {
        local_server_options o;
        o.catalog = OWOSTACK_TEST_CATALOG;
        return o;
    }());
    return srv;
}

owo::config config_for(const local_server& srv, std::string key) {
    owo::config c;
    c.secret_key = std::move(key);
    c.api_url = srv.url();
    c.ca_file = srv.ca_file();
    c.use_system_trust_store = false;
    c.request_timeout = std::chrono::seconds(20);
    c.retry.initial_backoff = std::chrono::milliseconds(20);
    c.retry.max_backoff = std::chrono::milliseconds(200);
    return c;
}

namespace {
std::atomic<int> counter{0};
}

std::string unique_id(const std::string& prefix) {
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string unique_email(const std::string& prefix) { return unique_id(prefix) + "@example.com"; }

void run(const owo::config& cfg, std::function<asio::awaitable<void>(owo::client&)> body) {
    asio::io_context ioc;
    owo::client client(ioc.get_executor(), cfg);
    auto done = asio::co_spawn(ioc, body(client), asio::use_future);
    ioc.run();
    done.get();
}

int https_get_status(const std::string& url, const std::string& ca_file) {
    auto u = boost::urls::parse_uri(url).value();
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<beast::tcp_stream> s(ioc, ctx);
    std::string host(u.host_address());
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), host.c_str());
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    asio::ip::tcp::resolver r(ioc);
    beast::get_lowest_layer(s).connect(r.resolve(host, u.port()));
    s.handshake(asio::ssl::stream_base::client);
    http::request<http::empty_body> req{http::verb::get, std::string(u.encoded_target()), 11};
    req.set(http::field::host, std::string(u.encoded_host_and_port()));
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    return static_cast<int>(res.result_int());
}

} // namespace owo::test
