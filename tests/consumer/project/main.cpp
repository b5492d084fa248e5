// Builds against the installed headers and library with header-only Asio (no separate
// compilation macros) and a deprecated Asio name, then runs one real call: a client refuses an
// empty key up front, and a call to a closed loopback port completes with an error code.
#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_service.hpp>   // deprecated alias of io_context: must stay usable
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>

namespace asio = boost::asio;

int main() {
    asio::io_service ioc;
    owo::config cfg;
    cfg.secret_key = "sk_test_consumer";
    cfg.api_url = "http://127.0.0.1:1/v1";
    cfg.request_timeout = std::chrono::seconds(2);
    cfg.retry.max_retries = 0;
    owo::client ok(ioc.get_executor(), cfg);
    std::printf("client for %s\n", ok.api_url().c_str());
    try {
        owo::client bad(ioc.get_executor(), owo::config{});
        return 1;
    } catch (const owo::api_error& e) {
        std::printf("empty key refused: %s\n", e.what());
    }
    bool failed = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        asio::steady_timer header_only_timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
        co_await header_only_timer.async_wait(asio::use_awaitable);
        owo::diagnostics diag;
        auto [ec, plans] = co_await ok.async_plans(owo::plans_params{}, diag, asio::as_tuple(asio::use_awaitable));
        failed = ec && plans.empty();
        std::printf("closed port: %s (%s)\n", ec.message().c_str(), diag.message.c_str());
    }, asio::detached);
    ioc.run();
    return failed ? 0 : 1;
}
