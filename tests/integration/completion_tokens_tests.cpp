// The same operations through other completion tokens: callbacks, futures, as_tuple with diagnostics, deferred.
#include "harness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

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
    BOOST_TEST(diag.message == std::string_view("Plan 'nope' not found"));
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
