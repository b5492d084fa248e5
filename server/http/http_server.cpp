#include "http/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <ctime>
#include <optional>
#include <sstream>

namespace owo::local {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::use_awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct http_server::session {
    asio::any_io_executor executor;   // the session's strand
    bool busy = false;
    bool stopping = false;
    std::function<void()> cancel;   // set while the session's stream lives; used on its strand
};

namespace {

http_response plain(unsigned status, unsigned version, std::string_view content_type, std::string body, bool close) {
    http_response res{static_cast<http::status>(status), version};
    res.set(http::field::server, "owostack-local");
    res.set(http::field::content_type, content_type);
    res.set("Idempotency-Support", "honoured");
    res.body() = std::move(body);
    res.keep_alive(!close);
    res.prepare_payload();
    return res;
}

std::string to_wire(const http_response& res) {
    std::ostringstream os;
    os << res;
    return os.str();
}

/// The JSON refusal for a request Beast could not read; none when the peer just went away (or
/// timed out), as there is no one to answer.
std::optional<http_response> refusal_for(const boost::system::error_code& ec) {
    if (ec == http::error::body_limit) return refused_request(413, "Payload Too Large");
    if (ec == http::error::header_limit) return refused_request(431, "Request Header Fields Too Large");
    if (ec.category() != http::make_error_code(http::error::end_of_stream).category() || ec == http::error::end_of_stream ||
        ec == http::error::partial_message)
        return std::nullopt;
    return refused_request(400, "Bad Request");   // request line, header, Content-Length, chunking
}

beast::tcp_stream& lowest(beast::tcp_stream& s) { return s; }
beast::tcp_stream& lowest(asio::ssl::stream<beast::tcp_stream>& s) { return s.next_layer(); }

void reset(beast::tcp_stream& s) {
    boost::system::error_code ec;
    s.socket().set_option(asio::socket_base::linger(true, 0), ec);   // RST, not FIN
    s.socket().close(ec);
}

} // namespace

std::string request_log_line(log_format format, const http_request& req, const http_response& res, double ms,
                             std::string_view peer, std::chrono::system_clock::time_point now) {
    auto t = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&t, &utc);
    char ts[64];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                  utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", ms);
    std::string_view target = req.target();
    auto path = target.substr(0, target.find('?'));
    auto quoted = [](std::string_view v) { return json::serialize(json::string(v)); };
    std::string id = quoted(res["X-Request-Id"]), method = quoted(req.method_string()), status = std::to_string(res.result_int());
    if (format == log_format::json)
        return "{\"ts\":\"" + std::string(ts) + "\",\"request_id\":" + id + ",\"method\":" + method + ",\"path\":" +
               quoted(path) + ",\"status\":" + status + ",\"duration_ms\":" + duration + ",\"peer\":" + quoted(peer) + "}\n";
    return std::string(ts) + " request_id=" + id + " method=" + method + " path=" + quoted(path) + " status=" + status +
           " duration_ms=" + duration + " peer=" + quoted(peer) + "\n";
}

template <class Stream>
struct session_runner {
    http_server& srv;
    std::shared_ptr<http_server::session> state;
    Stream stream;

    asio::awaitable<void> run() {
        auto& tcp = lowest(stream);
        state->cancel = [&tcp] { tcp.socket().cancel(); };
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            tcp.expires_after(srv.opts_.io_timeout);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
            if (ec) co_return finish();
        }
        beast::flat_buffer buffer;
        for (;;) {
            state->busy = false;
            if (state->stopping) break;
            http::request_parser<http::string_body> parser;
            parser.body_limit(srv.opts_.body_limit);
            parser.header_limit(static_cast<std::uint32_t>(srv.opts_.header_limit));
            tcp.expires_after(srv.opts_.idle_timeout);
            auto [ec, n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
            state->busy = true;
            if (ec) {
                if (auto refusal = refusal_for(ec)) co_await write(std::move(*refusal));
                break;
            }
            const auto& req = parser.get();
            bool keep = req.keep_alive() && !state->stopping;
            if (!co_await respond(req, keep)) break;
            if (!keep) break;
        }
        co_await close();
        finish();
    }

    /// Answers `req`, through chaos when enabled. False when the connection is gone.
    asio::awaitable<bool> respond(const http_request& req, bool keep) {
        chaos_decision d;
        if (srv.chaos_ && api::is_api_route(req.target())) d = srv.chaos_->next();
        // The store work runs on the engine; this strand is free for other sessions meanwhile.
        auto handled = [&]() -> asio::awaitable<http_response> {
            auto started = std::chrono::steady_clock::now();
            auto res = co_await srv.app_.async_handle(req, use_awaitable);
            res.keep_alive(keep);
            if (srv.opts_.log != log_format::none) {
                double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                auto line = request_log_line(srv.opts_.log, req, res, ms, peer(), std::chrono::system_clock::now());
                std::fwrite(line.data(), 1, line.size(), stderr);   // one write per line: lines never interleave
            }
            co_return res;
        };
        auto unavailable = [&] {
            return plain(503, req.version(), "application/json",
                         R"({"success":false,"error":"Service temporarily unavailable"})", !keep);
        };
        switch (d.kind) {
        // Every co_await result goes into a named variable first: g++ 12 miscompiles a co_await
        // inside a conditional expression or an argument (the response came out corrupt).
        case fault::none: {
            auto res = co_await handled();
            co_return co_await write(std::move(res));
        }
        case fault::reset_before:
            if (d.after_commit) (void)co_await handled();
            reset(lowest(stream));
            co_return false;
        case fault::delay: {
            std::optional<http_response> res;
            if (d.after_commit) res = co_await handled();
            asio::steady_timer t(co_await asio::this_coro::executor, srv.chaos_->spec().delay_time);
            co_await t.async_wait(tuple_awaitable);
            if (!res) res = co_await handled();
            co_return co_await write(std::move(*res));
        }
        case fault::status_429: {
            auto res = plain(429, req.version(), "application/json", R"({"success":false,"error":"Too Many Requests"})", !keep);
            res.set(http::field::retry_after, "1");
            co_return co_await write(std::move(res));
        }
        case fault::status_5xx: {
            if (d.after_commit) (void)co_await handled();
            if (d.status == 502)   // as a proxy would say it: not JSON
                co_return co_await write(plain(502, req.version(), "text/html", "<html><body>502 Bad Gateway</body></html>", !keep));
            auto res = plain(d.status, req.version(), "application/json",
                             R"({"success":false,"error":"Internal server error"})", !keep);
            co_return co_await write(std::move(res));
        }
        case fault::non_json: {
            if (d.after_commit) (void)co_await handled();
            co_return co_await write(plain(200, req.version(), "text/html", "<html><body>Welcome</body></html>", !keep));
        }
        case fault::wrong_content_type: {
            http_response res;
            if (d.after_commit) res = co_await handled();
            else res = unavailable();
            res.set(http::field::content_type, "text/html");
            co_return co_await write(std::move(res));
        }
        case fault::reset_mid_body:
        case fault::truncate: {
            http_response res;
            if (d.after_commit) res = co_await handled();
            else res = unavailable();
            auto wire = to_wire(res);
            // Everything up to the middle of the body: the status line and headers promise more.
            auto body_at = wire.find("\r\n\r\n");
            auto cut = body_at == std::string::npos ? wire.size() / 2 : body_at + 4 + (wire.size() - body_at - 4) / 2;
            co_await asio::async_write(stream, asio::buffer(wire.data(), cut), tuple_awaitable);
            if (d.kind == fault::reset_mid_body) reset(lowest(stream));
            else co_await close();
            co_return false;
        }
        }
        co_return false;
    }

    asio::awaitable<bool> write(http_response res) {
        lowest(stream).expires_after(srv.opts_.io_timeout);
        auto [ec, n] = co_await http::async_write(stream, res, tuple_awaitable);
        co_return !ec;
    }

    asio::awaitable<void> close() {
        auto& tcp = lowest(stream);
        if (!tcp.socket().is_open()) co_return;
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            tcp.expires_after(std::chrono::seconds(2));   // a silent peer must not hold us
            co_await stream.async_shutdown(tuple_awaitable);
        }
        boost::system::error_code ec;
        tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
        tcp.socket().close(ec);
    }

    std::string peer() {
        boost::system::error_code ec;
        auto ep = lowest(stream).socket().remote_endpoint(ec);
        return ec ? std::string("-") : ep.address().to_string();
    }

    void finish() {
        state->cancel = nullptr;
        std::lock_guard lock(srv.sessions_mutex_);
        srv.sessions_.erase(state);
    }
};

http_server::http_server(asio::io_context& ioc, api& app, server_options opts)
    : ioc_(ioc), app_(app), opts_(std::move(opts)), acceptor_(asio::make_strand(ioc)) {
    if (!opts_.plain_http) {
        tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        tls_->use_certificate_chain_file(opts_.tls.cert_file);
        tls_->use_private_key_file(opts_.tls.key_file, asio::ssl::context::pem);
    }
    if (opts_.chaos && opts_.chaos->enabled()) chaos_ = std::make_unique<chaos>(*opts_.chaos, opts_.chaos_seed);
}

http_server::~http_server() = default;

void http_server::start() {
    acceptor_.open(opts_.listen.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(opts_.listen);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    bound_ = acceptor_.local_endpoint();
    asio::co_spawn(
        acceptor_.get_executor(),
        [this]() -> asio::awaitable<void> {
            for (;;) {
                auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), tuple_awaitable);
                if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
                if (ec) continue;   // e.g. EMFILE: keep serving the connections we have
                spawn_session(std::move(socket));
            }
        },
        asio::detached);
}

void http_server::spawn_session(asio::ip::tcp::socket socket) {
    auto state = std::make_shared<session>();
    state->executor = socket.get_executor();
    {
        std::lock_guard lock(sessions_mutex_);
        if (stopping_) return;
        sessions_.insert(state);
    }
    socket.set_option(asio::ip::tcp::no_delay(true));
    auto ex = socket.get_executor();
    if (tls_) {
        auto r = std::make_shared<session_runner<asio::ssl::stream<beast::tcp_stream>>>(
            session_runner<asio::ssl::stream<beast::tcp_stream>>{*this, state, {beast::tcp_stream(std::move(socket)), *tls_}});
        asio::co_spawn(ex, [r]() { return r->run(); }, asio::detached);
    } else {
        auto r = std::make_shared<session_runner<beast::tcp_stream>>(
            session_runner<beast::tcp_stream>{*this, state, beast::tcp_stream(std::move(socket))});
        asio::co_spawn(ex, [r]() { return r->run(); }, asio::detached);
    }
}

std::size_t http_server::session_count() {
    std::lock_guard lock(sessions_mutex_);
    return sessions_.size();
}

void http_server::shutdown() {
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
    std::lock_guard lock(sessions_mutex_);
    stopping_ = true;
    for (const auto& s : sessions_)
        asio::post(s->executor, [s] {   // session state is only touched on its strand
            s->stopping = true;
            if (!s->busy && s->cancel) s->cancel();
        });
}

} // namespace owo::local
