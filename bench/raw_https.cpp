#include "raw_https.hpp"

#include <boost/json/parse.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <unistd.h>

#include <cstdint>

namespace owo::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::ssl::context make_client_tls(const std::string& ca_file) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (ca_file.empty()) {
        ctx.set_verify_mode(asio::ssl::verify_none);
    } else {
        ctx.load_verify_file(ca_file);
        ctx.set_verify_mode(asio::ssl::verify_peer);
    }
    return ctx;
}

raw_connection::raw_connection(asio::any_io_executor ex, asio::ssl::context& tls, raw_target target)
    : stream_(std::move(ex), tls), target_(std::move(target)) {
    req_.version(11);
    req_.set(http::field::host, target_.host + ":" + target_.port);
    req_.set(http::field::authorization, "Bearer " + target_.key);
    req_.set(http::field::user_agent, "owostack-bench-raw");
    req_.set(http::field::accept, "application/json");
    req_.keep_alive(true);
}

asio::awaitable<void> raw_connection::connect() {
    auto& tcp = beast::get_lowest_layer(stream_);
    tcp.expires_after(std::chrono::seconds(10));
    asio::ip::tcp::endpoint ep(asio::ip::make_address(target_.host),
                               static_cast<unsigned short>(std::stoi(target_.port)));
    co_await tcp.async_connect(ep, asio::use_awaitable);
    tcp.socket().set_option(asio::ip::tcp::no_delay(true));
    co_await stream_.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    tcp.expires_never();
}

asio::awaitable<int> raw_connection::call(http::verb method, const std::string& target, const std::string& body) {
    req_.method(method);
    req_.target(target);
    if (method == http::verb::post) {
        // Like the SDK: every POST carries a fresh idempotency key.
        static std::uint64_t counter = 0;
        req_.set("Idempotency-Key", "raw-bench-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        req_.set(http::field::content_type, "application/json");
        req_.body() = body;
    } else {
        req_.erase("Idempotency-Key");
        req_.erase(http::field::content_type);
        req_.body().clear();
    }
    req_.prepare_payload();
    auto& tcp = beast::get_lowest_layer(stream_);
    tcp.expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream_, req_, asio::use_awaitable);
    res_ = {};
    co_await http::async_read(stream_, buffer_, res_, asio::use_awaitable);
    tcp.expires_never();
    if (parse_body) {
        boost::system::error_code ec;
        auto v = boost::json::parse(res_.body(), ec);
        if (ec || !v.is_object()) co_return 0;
    }
    co_return static_cast<int>(res_.result_int());
}

} // namespace owo::bench
