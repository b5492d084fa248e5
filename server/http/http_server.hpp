// owostack-local's network side: a Beast HTTPS (or plain HTTP) listener whose sessions read
// requests with size limits and timeouts, hand them to `api`, and — in chaos mode — misbehave
// on purpose. Shutdown stops accepting, lets in-flight requests finish and closes idle ones.
#pragma once

#include "api/api.hpp"
#include "http/chaos.hpp"
#include "http/tls_material.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace owo::local {

/// The request log (owostack-local --log-format): one line per answered request on stderr.
enum class log_format { none, text, json };

/// The log line of one answered request (with its newline): time, request id, method, path
/// without the query (it may carry emails), status, duration, peer. Never a header value but
/// the request id, never a body.
std::string request_log_line(log_format format, const http_request& req, const http_response& res, double ms,
                             std::string_view peer, std::chrono::system_clock::time_point now);

struct server_options {
    boost::asio::ip::tcp::endpoint listen{boost::asio::ip::make_address("127.0.0.1"), 8443};
    bool plain_http = false;
    tls_material tls;
    std::optional<chaos_spec> chaos;
    unsigned chaos_seed = 1;
    std::size_t body_limit = 1024 * 1024;
    std::size_t header_limit = 16 * 1024;
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds io_timeout{30};
    log_format log = log_format::none;
};

class http_server {
public:
    http_server(boost::asio::io_context& ioc, api& app, server_options opts);
    ~http_server();

    /// Binds and starts accepting; throws when the address is unavailable.
    void start();
    boost::asio::ip::tcp::endpoint local_endpoint() const { return bound_; }

    /// Stops accepting, cancels idle keep-alive sessions; busy ones finish their request.
    void shutdown();
    /// Sessions still open (shutdown is complete when this reaches 0).
    std::size_t session_count();

private:
    struct session;
    template <class Stream>
    friend struct session_runner;

    void spawn_session(boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    api& app_;
    server_options opts_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    std::unique_ptr<chaos> chaos_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint bound_;
    std::mutex sessions_mutex_;
    std::set<std::shared_ptr<session>> sessions_;
    bool stopping_ = false;
};

} // namespace owo::local
