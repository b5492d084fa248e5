// owo::blocking_client against a real owostack-local (and a silent loopback peer for the
// shutdown cases): plain calls, many threads through one bounded pool, destruction with calls
// in flight, and a call from its own I/O thread refused instead of deadlocking.
#include "harness.hpp"

#include <owostack/blocking_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using owo::test::config_for;
using owo::test::shared_server;

namespace {

/// A loopback port that accepts TCP (the kernel's backlog) and then never says a word: calls
/// to it stay in flight, in the TLS handshake, until something ends them.
class silent_port {
public:
    silent_port() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {}
    std::string url() const { return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/v1"; }

private:
    asio::io_context ioc_;
    asio::ip::tcp::acceptor acceptor_;
};

owo::config silent_config(const silent_port& peer) {
    owo::config c;
    c.secret_key = "sk_test_blocking";
    c.api_url = peer.url();
    c.use_system_trust_store = false;
    c.request_timeout = 30s;
    c.connect_timeout = 10s;
    c.handshake_timeout = 30s;
    c.io_timeout = 30s;
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(blocking)

BOOST_AUTO_TEST_CASE(operations_return_results_and_throw_api_errors) {
    owo::blocking_client bc(config_for(shared_server()));
    BOOST_TEST(bc.api_url() == shared_server().url());

    auto plans = bc.plans({});
    BOOST_TEST(!plans.empty());
    BOOST_TEST(bc.plan(plans.front().slug).slug == plans.front().slug);

    auto email = owo::test::unique_email("blocking");
    owo::customer c = bc.customer({.email = email, .name = "Blocking Co"});
    BOOST_TEST(c.email() == email);
    BOOST_TEST(bc.get_customer(c.id()).name() == "Blocking Co");

    try {
        bc.plan("no-such-plan");
        BOOST_FAIL("expected plan_not_found");
    } catch (const owo::api_error& e) {
        BOOST_TEST((e.code() == owo::error::plan_not_found), e.what());
        BOOST_TEST(e.http_status() == 404);
        BOOST_TEST(!e.server_message().empty());
    }
    // Judged before sending, as in every other form.
    try {
        bc.get_customer("");
        BOOST_FAIL("expected invalid_argument");
    } catch (const owo::api_error& e) {
        BOOST_TEST((e.code() == owo::error::invalid_argument), e.what());
    }
}

BOOST_AUTO_TEST_CASE(an_unusable_config_is_refused_by_the_constructor) {
    auto cfg = config_for(shared_server());
    cfg.secret_key.clear();
    BOOST_CHECK_EXCEPTION(owo::blocking_client{cfg}, owo::api_error,
                          [](const owo::api_error& e) { return e.code() == owo::error::invalid_argument; });
}

BOOST_AUTO_TEST_CASE(sixteen_threads_share_one_bounded_pool) {
    auto cfg = config_for(shared_server());
    cfg.pool.max_connections = 4;
    owo::blocking_client bc(cfg);
    auto email = owo::test::unique_email("blocking-many");
    auto id = bc.customer({.email = email}).id();

    constexpr int threads = 16, calls = 200;
    std::atomic<int> answered{0}, failed{0};
    std::atomic<bool> running{true};
    std::atomic<std::size_t> most_open{0};
    std::thread watcher([&] {
        while (running) {
            auto open = bc.stats().open_connections;
            std::size_t seen = most_open;
            while (open > seen && !most_open.compare_exchange_weak(seen, open)) {}
            std::this_thread::sleep_for(1ms);
        }
    });
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < calls; ++i) {
                try {
                    if ((t + i) % 2) {
                        if (bc.get_customer(id).email() == email) ++answered;
                    } else {
                        if (!bc.plans({}).empty()) ++answered;
                    }
                } catch (const owo::api_error& e) {
                    ++failed;
                    BOOST_TEST_MESSAGE(e.what());
                }
            }
        });
    for (auto& th : pool) th.join();
    running = false;
    watcher.join();

    BOOST_TEST(answered.load() == threads * calls);
    BOOST_TEST(failed.load() == 0);
    auto s = bc.stats();
    BOOST_TEST(most_open.load() <= cfg.pool.max_connections);
    BOOST_TEST(s.open_connections <= cfg.pool.max_connections);
    BOOST_TEST(s.connections_opened >= 1u);
    BOOST_TEST(s.reuses > 0u);   // keep-alive: 3200 calls did not dial 3200 times
    BOOST_TEST_MESSAGE("opened " << s.connections_opened << ", reuses " << s.reuses << ", most open " << most_open.load());
}

BOOST_AUTO_TEST_CASE(destruction_aborts_calls_in_flight_promptly) {
    silent_port peer;
    constexpr int callers = 8;
    std::vector<std::future<boost::system::error_code>> results;
    std::optional<owo::blocking_client> bc(std::in_place, silent_config(peer));
    for (int i = 0; i < callers; ++i)
        results.push_back(std::async(std::launch::async, [&bc] {
            try {
                bc->plans({});
                return boost::system::error_code();
            } catch (const owo::api_error& e) {
                return e.code();
            }
        }));
    // Until every call has dialled: then they are all in flight, waiting on the silent peer.
    auto until = std::chrono::steady_clock::now() + 10s;
    while (bc->stats().connections_opened < callers && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(5ms);
    BOOST_TEST(bc->stats().connections_opened == std::uint64_t(callers));
    for (auto& r : results) BOOST_TEST((r.wait_for(0s) == std::future_status::timeout));

    auto start = std::chrono::steady_clock::now();
    bc.reset();
    auto took = std::chrono::steady_clock::now() - start;

    for (auto& r : results) {
        BOOST_REQUIRE((r.wait_for(5s) == std::future_status::ready));
        auto ec = r.get();
        BOOST_TEST((ec == asio::error::operation_aborted), ec.message());
    }
    BOOST_TEST(took < 2s);
}

BOOST_AUTO_TEST_CASE(destruction_with_nothing_in_flight_is_quick) {
    auto start = std::chrono::steady_clock::now();
    {
        owo::blocking_client bc(config_for(shared_server()));
        bc.plans({});   // leaves an idle keep-alive connection in the pool
    }
    BOOST_TEST((std::chrono::steady_clock::now() - start < 2s));
}

BOOST_AUTO_TEST_CASE(a_call_from_its_own_io_thread_is_refused_not_deadlocked) {
    owo::blocking_client bc(config_for(shared_server()));
    auto refused = [](const owo::api_error& e) {
        return e.code() == owo::error::invalid_argument &&
               e.server_message().find("own I/O thread") != std::string::npos;
    };

    // From a plain handler.
    std::promise<std::optional<owo::api_error>> from_handler;
    asio::post(bc.get_executor(), [&] {
        try {
            bc.plans({});
            from_handler.set_value(std::nullopt);
        } catch (const owo::api_error& e) {
            from_handler.set_value(e);
        }
    });
    auto f = from_handler.get_future();
    BOOST_REQUIRE((f.wait_for(5s) == std::future_status::ready));
    auto e = f.get();
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(refused(*e), e->what());

    // From a coroutine on its executor, which can await the asynchronous form instead.
    auto done = asio::co_spawn(
        bc.get_executor(),
        [&]() -> asio::awaitable<bool> {
            bool was_refused = false;
            try {
                bc.plans({});
            } catch (const owo::api_error& e) {
                was_refused = refused(e);
            }
            if (!was_refused) co_return false;
            auto plans = co_await bc.client().plans({});
            co_return !plans.empty();
        },
        asio::use_future);
    BOOST_REQUIRE((done.wait_for(10s) == std::future_status::ready));
    BOOST_TEST(done.get());

    // The client is still usable from other threads.
    BOOST_TEST(!bc.plans({}).empty());
}

BOOST_AUTO_TEST_CASE(a_returned_customer_outlives_the_client) {
    owo::customer kept;
    auto email = owo::test::unique_email("blocking-kept");
    {
        owo::blocking_client bc(config_for(shared_server()));
        kept = bc.customer({.email = email});
    }
    // Its record is intact, and destroying it after the client (its pool, its io_context) is safe.
    BOOST_TEST(kept.valid());
    BOOST_TEST(kept.email() == email);
}

BOOST_AUTO_TEST_SUITE_END()
