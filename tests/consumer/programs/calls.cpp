// The program every packaging consumer builds (tests/consumer), in the Asio configuration that
// consumer chose: none of its own, its own compiled Asio (programs/asio_impl.cpp) or
// BOOST_ASIO_ENABLE_HANDLER_TRACKING. It uses Asio itself beside the SDK (its own timer and
// coroutine on its own io_context, and the deprecated io_service name, which the package must
// not forbid), then makes real calls against the owostack-local that
// scripts/with-local-server.sh started (configuration from the environment).
#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_service.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>

namespace asio = boost::asio;

namespace {

asio::awaitable<bool> calls(const owo::client& owo) {
    asio::steady_timer consumers_own_timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
    co_await consumers_own_timer.async_wait(asio::use_awaitable);

    owo::diagnostics diag;
    auto [ec, plans] = co_await owo.async_plans(owo::plans_params{}, diag, asio::as_tuple(asio::use_awaitable));
    if (ec || plans.empty()) {
        std::fprintf(stderr, "plans: %s (%s)\n", ec.message().c_str(), diag.message.c_str());
        co_return false;
    }
    for (const auto& p : plans) std::printf("plan %-10s %lld %s\n", p.slug.c_str(), static_cast<long long>(p.price), p.currency.c_str());

    auto [unknown, plan] = co_await owo.async_plan("no-such-plan", diag, asio::as_tuple(asio::use_awaitable));
    std::printf("unknown plan: %s (%s)\n", unknown.message().c_str(), diag.code.c_str());
    co_return unknown == owo::error::plan_not_found;
}

}  // namespace

int main() try {
    asio::io_service ioc;
    try {
        owo::client no_key(ioc.get_executor(), owo::config{});
        return 1;
    } catch (const owo::api_error& e) {
        std::printf("empty key refused: %s\n", e.what());
    }
    const owo::client owo(ioc.get_executor(), owo::config::from_env());
    bool ok = false;
    asio::co_spawn(ioc, calls(owo), [&](std::exception_ptr e, bool result) {
        if (e) std::rethrow_exception(e);
        ok = result;
    });
    ioc.run();
    return ok ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
}
