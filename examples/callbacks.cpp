// The same SDK from code that is not coroutine-based: completion callbacks, and futures.
// Configuration from OWOSTACK_SECRET_KEY / OWOSTACK_API_URL / OWOSTACK_CA_FILE.
#include <owostack/owostack.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

namespace asio = boost::asio;

int main() {
    try {
        asio::io_context ioc;
        owo::client owo(ioc.get_executor(), owo::config::from_env());
        auto email = "callbacks+" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "@acme.example";

        // Callbacks: (error_code, result) — nothing thrown, details in the diagnostics.
        bool ok = false;
        owo::diagnostics diag;
        owo.async_customer({.email = email, .name = "Callback Co"}, diag,
                           [&](boost::system::error_code ec, owo::customer c) {
                               if (ec) {
                                   std::fprintf(stderr, "customer failed: %s (%s)\n", ec.message().c_str(), diag.message.c_str());
                                   return;
                               }
                               std::printf("callback: customer %s\n", c.id().c_str());
                               c.async_add_entity({.feature = "seats", .entity = "first"},
                                                  [&](boost::system::error_code ec2, owo::add_entity_result r) {
                                                      ok = !ec2 && r.count == 1;
                                                      std::printf("callback: seat %s -> %s\n", r.entity_id.c_str(),
                                                                  ec2 ? ec2.message().c_str() : "ok");
                                                  });
                           });
        ioc.run();
        if (!ok) return 1;

        // Futures: run the io_context on a thread, block on results; errors arrive as exceptions.
        ioc.restart();
        auto work = asio::make_work_guard(ioc);
        std::thread io([&] { ioc.run(); });
        auto seats = owo.async_list_entities({.customer = email, .feature = "seats"}, asio::use_future).get();
        std::printf("future: %lld seat(s) listed\n", static_cast<long long>(seats.total));
        bool refused = false;
        try {
            owo.async_add_entity({.customer = email, .feature = "seats", .entity = "second"}, asio::use_future).get();
        } catch (const boost::system::system_error& e) {
            // The auto-enabled free plan has one seat.
            refused = e.code() == owo::error::limit_exceeded;
            std::printf("future: second seat refused: %s\n", e.code().message().c_str());
        }
        work.reset();
        io.join();
        return seats.total == 1 && refused ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "callbacks: %s\n", e.what());
        return 1;
    }
}
