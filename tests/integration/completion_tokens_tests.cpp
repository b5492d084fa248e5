// The same operations through other completion tokens: callbacks, futures, as_tuple with diagnostics, deferred.
#include "harness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

namespace asio = boost::asio;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(completion_tokens)

BOOST_AUTO_TEST_CASE(callback_token) {
    asio::io_context ioc;
    owo::client owo(ioc.get_executor(), config_for(shared_server()));
    bool called = false;
    owo.async_customer({.email = unique_email("cb")}, [&](boost::system::error_code ec, owo::customer c) {
        BOOST_TEST(!ec);
        BOOST_TEST(c.valid());
        c.async_add_entity({.feature = "seats", .entity = "cb1"},
                           [&](boost::system::error_code ec2, owo::add_entity_result r) {
                               BOOST_TEST(!ec2);
                               BOOST_TEST(r.count == 1);
                               called = true;
                           });
    });
    ioc.run();
    BOOST_TEST(called);
}

BOOST_AUTO_TEST_CASE(future_token_from_another_thread) {
    asio::io_context ioc;
    auto guard = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });
    owo::client owo(ioc.get_executor(), config_for(shared_server()));
    auto c = owo.async_customer({.email = unique_email("fut")}, asio::use_future).get();
    auto seats = c.async_list_entities({.feature = "seats"}, asio::use_future).get();
    BOOST_TEST(seats.total == 0);
    owo::diagnostics diag;
    auto failing = owo.async_plan("nope", diag, asio::use_future);
    try {
        failing.get();
        BOOST_FAIL("expected plan_not_found");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == owo::error::plan_not_found));
    }
    BOOST_TEST(diag.message == std::string_view("Plan not found"));
    guard.reset();
    io.join();
}

BOOST_AUTO_TEST_CASE(as_tuple_with_diagnostics_keeps_every_detail) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("tuple")};
        auto org = co_await owo.customer(customer_req);
        owo::attach_params attach_req{.product = "trio"};
        co_await org.attach(attach_req);
        for (int i = 0; i < 3; ++i) {
            owo::add_entity_params req{.feature = "seats", .entity = "t" + std::to_string(i)};
            co_await org.add_entity(req);
        }
        owo::diagnostics diag;
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "t9"};
        auto [ec, r] = co_await org.async_add_entity(add_entity_req, diag,
                                                     asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec == owo::error::limit_exceeded));
        BOOST_TEST(diag.http_status == 400);
        BOOST_TEST(diag.current.value_or(-1) == 3);
        BOOST_TEST(diag.limit.value_or(-1) == 3);
        BOOST_TEST(diag.feature.value_or("") == std::string_view("seats"));
        BOOST_TEST(diag.body.contains("code"));
        // deferred: nothing runs until awaited
        auto op = owo.async_plan("trio", asio::deferred);
        auto p = co_await std::move(op)(asio::use_awaitable);
        BOOST_TEST(p.slug == std::string_view("trio"));
    });
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the completion model: (error_code, R) for every token; throwing tokens get api_error ----

BOOST_AUTO_TEST_SUITE(completion_model)

BOOST_AUTO_TEST_CASE(use_future_throws_api_error_with_full_diagnostics) {
    asio::io_context ioc;
    auto guard = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });
    owo::client owo(ioc.get_executor(), config_for(shared_server()));
    auto failing = owo.async_plan("nope", asio::use_future);
    try {
        failing.get();
        BOOST_FAIL("expected plan_not_found");
    } catch (const owo::api_error& e) {
        BOOST_TEST((e.code() == owo::error::plan_not_found));
        BOOST_TEST(e.http_status() == 404);
        BOOST_TEST(e.diag().attempts == 1);
        BOOST_TEST(!e.server_message().empty());
    }
    guard.reset();
    io.join();
}

BOOST_AUTO_TEST_CASE(use_awaitable_token_throws_api_error_and_as_tuple_does_not) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        try {
            co_await owo.async_plan("nope", asio::use_awaitable);
            BOOST_FAIL("expected an exception");
        } catch (const owo::api_error& e) {
            BOOST_TEST((e.code() == owo::error::plan_not_found));
            BOOST_TEST(e.http_status() == 404);
        }
        auto [ec, p] = co_await owo.async_plan("nope", asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec == owo::error::plan_not_found));
        BOOST_TEST(p.slug.empty());
        // with_diagnostics over as_tuple: the failure arrives as an exception_ptr holding api_error.
        auto [ep, p2] = co_await owo.async_plan("nope", owo::with_diagnostics(asio::as_tuple(asio::use_awaitable)));
        BOOST_REQUIRE(ep);
        try {
            std::rethrow_exception(ep);
        } catch (const owo::api_error& e) {
            BOOST_TEST(e.http_status() == 404);
        }
    });
}

BOOST_AUTO_TEST_CASE(redirect_error_and_deferred) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        boost::system::error_code ec;
        auto p = co_await owo.async_plan("nope", asio::redirect_error(asio::use_awaitable, ec));
        BOOST_TEST((ec == owo::error::plan_not_found));
        BOOST_TEST(p.slug.empty());
        owo::diagnostics diag;
        auto op = owo.async_plan("nope", diag, asio::deferred);   // nothing runs yet
        auto [ec2, p2] = co_await std::move(op)(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec2 == owo::error::plan_not_found));
        BOOST_TEST(diag.http_status == 404);
    });
}

BOOST_AUTO_TEST_SUITE_END()

// ---- empty handles: every method completes with a clear error, never a crash ----------------

BOOST_AUTO_TEST_SUITE(empty_handles)

BOOST_AUTO_TEST_CASE(default_constructed_customer) {
    owo::customer none;
    BOOST_TEST(!none.valid());
    BOOST_TEST(none.id().empty());
    BOOST_TEST(none.metadata().empty());
    BOOST_TEST(none.client().api_url().empty());
    // Token form with a callback and no executor of its own: completes (on the system executor).
    std::promise<boost::system::error_code> got;
    owo::diagnostics diag;
    owo::add_entity_params seat{.feature = "seats", .entity = "u1"};
    none.async_add_entity(seat, diag, [&](boost::system::error_code ec, owo::add_entity_result) { got.set_value(ec); });
    auto ec = got.get_future().get();
    BOOST_TEST((ec == owo::error::invalid_argument));
    BOOST_TEST(diag.message.find("empty handle") != std::string::npos, diag.message);
    // Awaitable form.
    asio::io_context ioc;
    bool threw = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        try {
            owo::check_params q{.feature = "seats"};
            co_await none.check(q);
        } catch (const owo::api_error& e) {
            threw = e.code() == owo::error::invalid_argument;
        }
        try {
            co_await none.refresh();
        } catch (const owo::api_error& e) {
            threw = threw && e.code() == owo::error::invalid_argument;
        }
    }, asio::detached);
    ioc.run();
    BOOST_TEST(threw);
}

BOOST_AUTO_TEST_CASE(moved_from_customer_and_client) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params who{.email = unique_email("moved")};
        auto c = co_await owo.customer(who);
        auto c2 = std::move(c);
        BOOST_TEST(c2.valid());
        BOOST_TEST(!c.valid());   // NOLINT(bugprone-use-after-move): the point of the test
        BOOST_TEST(c.id().empty());
        owo::list_entities_params all;   // named first: g++ 12 destroys braced temporaries in co_await twice
        auto [ec, r] = co_await c.async_list_entities(all, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec == owo::error::invalid_argument));

        owo::client copy = owo;
        owo::client taken = std::move(copy);
        BOOST_TEST(copy.api_url().empty());
        BOOST_TEST(copy.stats().open_connections == 0u);
        BOOST_TEST((copy.get_executor() == taken.get_executor()));
        owo::diagnostics diag;
        owo::plans_params any_plan;
        auto [ec2, plans] = co_await copy.async_plans(any_plan, diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec2 == owo::error::invalid_argument));
        BOOST_TEST(diag.message.find("empty handle") != std::string::npos);
        auto still = co_await taken.plans(any_plan);   // the target works
        BOOST_TEST(!still.empty());
    });
}

BOOST_AUTO_TEST_SUITE_END()
