// An async C++ HTTP service that bills through Owostack: each request names its organisation
// (X-Org-Email) and calling user (X-User); the handler resolves the customer, checks the
// caller holds a seat (check, entity-scoped), records usage (track) and answers 403 when the
// caller has no seat, 402 when the plan's usage is exhausted.
// Usage: async_server [--port N] | async_server --self-test
#include "common/rethrow.hpp"

#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

using response = http::response<http::string_body>;

response reply(unsigned status, std::string body) {
    response res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

/// The billing gate: seat check, then usage.
asio::awaitable<response> handle(owo::client& owo, const http::request<http::string_body>& req) {
    std::string org_email(req["X-Org-Email"]), user(req["X-User"]);
    if (req.target() != "/api/work" || org_email.empty() || user.empty())
        co_return reply(400, R"({"error":"GET /api/work with X-Org-Email and X-User"})");
    double units = req["X-Units"].empty() ? 1 : std::stod(std::string(req["X-Units"]));
    try {
        owo::customer_params who{.email = org_email};
        owo::customer org = co_await owo.customer(who);
        owo::check_params seat{.feature = "seats", .entity = user};
        auto has_seat = co_await org.check(seat);
        if (!has_seat.allowed) co_return reply(403, R"({"error":"no seat for this user","code":")" + has_seat.code + "\"}");
        // Usage is the organisation's: an entity on track must be an entity of the tracked feature
        // itself (the hosted API answers 404 entity_not_found otherwise), and users are seats.
        owo::track_params usage{.feature = "api-calls", .value = units};
        auto tracked = co_await org.track(usage);
        if (!tracked.allowed) co_return reply(402, R"({"error":"plan limit reached","code":")" + tracked.code + "\"}");
        co_return reply(200, R"({"ok":true,"usage":)" + std::to_string(static_cast<long long>(tracked.usage.value_or(0))) + "}");
    } catch (const owo::api_error& e) {
        // Billing unavailable: fail closed, and never echo internals to the caller.
        std::fprintf(stderr, "billing error: %s\n", e.what());
        co_return reply(503, R"({"error":"billing unavailable"})");
    }
}

asio::awaitable<void> session(owo::client& owo, beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        stream.expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await http::async_read(stream, buffer, req, as_tuple_awaitable);
        if (ec) break;
        auto res = co_await handle(owo, req);
        res.keep_alive(req.keep_alive());
        auto [wec, wn] = co_await http::async_write(stream, res, as_tuple_awaitable);
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(owo::client& owo, tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(as_tuple_awaitable);
        if (ec == asio::error::operation_aborted) co_return;   // the acceptor was closed
        if (ec) throw boost::system::system_error(ec, "accept");
        asio::co_spawn(acceptor.get_executor(), session(owo, beast::tcp_stream(std::move(socket))), owo::examples::rethrow);
    }
}

/// One request to ourselves, as a caller of the service would send it.
asio::awaitable<int> call_self(tcp::endpoint ep, std::string org, std::string user, int units) {
    beast::tcp_stream s(co_await asio::this_coro::executor);
    s.expires_after(std::chrono::seconds(30));
    co_await s.async_connect(ep, asio::use_awaitable);
    http::request<http::string_body> req{http::verb::get, "/api/work", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("X-Org-Email", org);
    req.set("X-User", user);
    req.set("X-Units", std::to_string(units));
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    co_await http::async_read(s, b, res, asio::use_awaitable);
    std::printf("  %-6s x%-5d -> %d %s\n", user.c_str(), units, res.result_int(), res.body().c_str());
    co_return static_cast<int>(res.result_int());
}

asio::awaitable<bool> self_test(owo::client& owo, tcp::endpoint ep) {
    auto org = "gate+" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "@acme.example";
    // The auto-enabled free plan: 1 seat, 1000 api-calls a month. Alice gets the seat.
    owo::customer_params who{.email = org};
    owo::customer c = co_await owo.customer(who);
    owo::add_entity_params alice{.feature = "seats", .entity = "alice"};
    co_await c.add_entity(alice);
    bool ok = co_await call_self(ep, org, "alice", 1) == 200;
    ok = co_await call_self(ep, org, "bob", 1) == 403 && ok;        // no seat
    ok = co_await call_self(ep, org, "alice", 5000) == 402 && ok;   // over the plan's usage
    co_return ok;
}

} // namespace

int main(int argc, char** argv) {
    bool test = false;
    unsigned short port = 8080;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--self-test") test = true, port = 0;
        else if (a == "--port" && i + 1 < argc) port = static_cast<unsigned short>(std::stoi(argv[++i]));
    }
    try {
        asio::io_context ioc;
        owo::client owo(ioc.get_executor(), owo::config::from_env());
        tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
        auto ep = acceptor.local_endpoint();
        std::printf("async_server listening on http://%s:%u/api/work\n", ep.address().to_string().c_str(), ep.port());
        asio::co_spawn(ioc, listen(owo, acceptor), owo::examples::rethrow);
        if (!test) {
            ioc.run();
            return 0;
        }
        asio::co_spawn(ioc, self_test(owo, ep), [&](std::exception_ptr e, bool ok) {
            acceptor.close();
            if (e) std::rethrow_exception(e);
            std::printf("self-test %s\n", ok ? "passed" : "FAILED");
            std::exit(ok ? 0 : 1);
        });
        ioc.run();
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "async_server: %s\n", e.what());
        return 1;
    }
}
