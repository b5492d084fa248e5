// Onboard many seats at once from coroutines on one client: the pool bounds the connections,
// the server admits exactly as many as the plan allows, the rest are typed limit errors.
// Usage: concurrent_onboarding [--seats N]   (default 50; the team plan has 5 seats)
#include "common/rethrow.hpp"
#include "common/sandbox_checkout.hpp"

#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace asio = boost::asio;

namespace {

struct tally {
    int added = 0, refused = 0, failed = 0, done = 0;
};

asio::awaitable<void> onboard_one(owo::customer org, int n, int total, tally& t) {
    owo::diagnostics diag;
    owo::add_entity_params seat{.feature = "seats", .entity = "member_" + std::to_string(n)};
    auto [ec, r] = co_await org.async_add_entity(seat, diag, asio::as_tuple(asio::use_awaitable));
    if (!ec) ++t.added;
    else if (ec == owo::error::limit_exceeded) ++t.refused;
    else ++t.failed, std::fprintf(stderr, "member_%d: %s\n", n, ec.message().c_str());
    if (++t.done % 10 == 0 || t.done == total) std::printf("onboarded %d/%d\n", t.done, total);
}

asio::awaitable<void> run(owo::client& owo, int total, std::string ca_file, tally& t) {
    auto email = "onboarding+" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "@acme.example";
    owo::customer_params who{.email = email};
    owo::customer org = co_await owo.customer(who);
    owo::attach_params plan{.product = "team"};
    auto attached = co_await org.attach(plan);
    if (attached.checkout_url) co_await owo::examples::complete_sandbox_checkout(*attached.checkout_url, ca_file);

    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer all_done(ex, std::chrono::steady_clock::time_point::max());
    for (int n = 0; n < total; ++n)
        asio::co_spawn(ex, [&, n]() -> asio::awaitable<void> {
            co_await onboard_one(org, n, total, t);
            if (t.done == total) all_done.cancel();
        }, owo::examples::rethrow);
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
}

} // namespace

int main(int argc, char** argv) {
    int total = 50;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--seats") total = std::stoi(argv[i + 1]);
    try {
        auto cfg = owo::config::from_env();
        asio::io_context ioc;
        owo::client owo(ioc.get_executor(), cfg);
        tally t;
        auto done = asio::co_spawn(ioc, run(owo, total, cfg.ca_file, t), asio::use_future);
        ioc.run();
        done.get();
        auto stats = owo.stats();
        std::printf("added %d, refused by the plan %d, failed %d; %llu connection(s) opened\n", t.added, t.refused, t.failed,
                    static_cast<unsigned long long>(stats.connections_opened));
        int expected = total < 5 ? total : 5;
        return t.added == expected && t.refused == total - expected && t.failed == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "concurrent_onboarding: %s\n", e.what());
        return 1;
    }
}
