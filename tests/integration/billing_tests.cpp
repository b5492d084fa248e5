// Plans, attach (free and paid with the sandbox checkout), check and track.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(billing)

BOOST_AUTO_TEST_CASE(plans_and_plan) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto plans = co_await owo.plans({});
        BOOST_TEST(plans.size() >= 2u);
        auto team = co_await owo.plan("team");
        BOOST_TEST(team.slug == "team");
        BOOST_TEST(team.price == 4900);
        BOOST_TEST(team.type == "paid");
        bool has_seats = false;
        for (const auto& f : team.features)
            if (f.slug == "seats") {
                has_seats = true;
                BOOST_TEST(f.limit.value_or(-1) == 5);
            }
        BOOST_TEST(has_seats);
        auto missing = co_await expect_error(owo.plan("gold"));
        BOOST_TEST((missing.code() == owo::error::plan_not_found));
        BOOST_TEST(missing.server_message() == "Plan 'gold' not found");
    });
}

BOOST_AUTO_TEST_CASE(paid_plan_activates_after_sandbox_checkout) {
    auto& srv = shared_server();
    run(config_for(srv), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer org = co_await owo.customer({.email = unique_email("paid")});
        auto a = co_await org.attach({.product = "team"});
        BOOST_TEST(a.requires_checkout);
        BOOST_REQUIRE(a.checkout_url.has_value());
        BOOST_TEST(https_get_status(*a.checkout_url, srv.ca_file()) == 200);
        for (int i = 0; i < 5; ++i) co_await org.add_entity({.feature = "seats", .entity = "s" + std::to_string(i)});
        auto over = co_await expect_error(org.add_entity({.feature = "seats", .entity = "s5"}));
        BOOST_TEST(over.diag().limit.value_or(-1) == 5);
    });
}

BOOST_AUTO_TEST_CASE(check_and_track) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer org = co_await owo.customer({.email = unique_email("usage")});
        auto none = co_await org.check({.feature = "api-calls"});
        BOOST_TEST(!none.allowed);   // no subscription yet: a denial is a result, not an error
        BOOST_TEST(none.code == "no_active_subscription");

        co_await org.attach({.product = "trio"});
        co_await org.add_entity({.feature = "seats", .entity = "alice"});
        auto seat = co_await org.check({.feature = "seats", .entity = "alice"});
        BOOST_TEST(seat.allowed);
        BOOST_TEST(seat.usage.value_or(-1) == 1);
        BOOST_TEST(seat.balance.value_or(-1) == 2);
        auto ghost = co_await org.check({.feature = "seats", .entity = "ghost"});
        BOOST_TEST(!ghost.allowed);
        BOOST_TEST(ghost.code == "entity_not_found");
        auto too_many = co_await org.check({.feature = "seats", .value = 3});
        BOOST_TEST(!too_many.allowed);
        BOOST_TEST(too_many.code == "limit_exceeded");

        auto t = co_await org.track({.feature = "api-calls", .value = 40});
        BOOST_TEST(t.allowed);
        auto c = co_await org.check({.feature = "api-calls", .value = 60});
        BOOST_TEST(c.allowed);
        BOOST_TEST(c.usage.value_or(-1) == 40);
        auto c2 = co_await org.check({.feature = "api-calls", .value = 61});
        BOOST_TEST(!c2.allowed);
        auto sent = co_await org.check({.feature = "api-calls", .value = 10, .send_event = true});
        BOOST_TEST(sent.allowed);
        auto c3 = co_await org.check({.feature = "api-calls", .value = 1});
        BOOST_TEST(c3.usage.value_or(-1) == 50);

        auto unknown = co_await expect_error(owo.track({.customer = "00000000-0000-4000-8000-000000000000",
                                                        .feature = "api-calls"}));
        BOOST_TEST((unknown.code() == owo::error::customer_not_found));
    });
}

BOOST_AUTO_TEST_SUITE_END()
