// Plans, attach (free and paid with the sandbox checkout), check and track.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(billing)

BOOST_AUTO_TEST_CASE(plans_and_plan) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::plans_params plans_req{};
        auto plans = co_await owo.plans(plans_req);
        BOOST_TEST(plans.size() >= 2u);
        auto team = co_await owo.plan("team");
        BOOST_TEST(team.slug == std::string_view("team"));
        BOOST_TEST(team.price == 4900);
        BOOST_TEST(team.type == std::string_view("paid"));
        bool has_seats = false;
        for (const auto& f : team.features)
            if (f.slug == "seats") {
                has_seats = true;
                BOOST_TEST(f.limit.value_or(-1) == 5);
            }
        BOOST_TEST(has_seats);
        auto missing = co_await expect_error(owo.plan("gold"));
        BOOST_TEST((missing.code() == owo::error::plan_not_found));
        BOOST_TEST(missing.server_message() == std::string_view("Plan not found"));
    });
}

BOOST_AUTO_TEST_CASE(paid_plan_activates_after_sandbox_checkout) {
    auto& srv = shared_server();
    run(config_for(srv), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("paid")};
        owo::customer org = co_await owo.customer(customer_req);
        owo::attach_params attach_req{.product = "team"};
        auto a = co_await org.attach(attach_req);
        BOOST_TEST(a.requires_checkout);
        BOOST_REQUIRE(a.checkout_url.has_value());
        BOOST_TEST(https_get_status(*a.checkout_url, srv.ca_file()) == 200);
        for (int i = 0; i < 5; ++i) {
            owo::add_entity_params req{.feature = "seats", .entity = "s" + std::to_string(i)};
            co_await org.add_entity(req);
        }
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "s5"};
        auto over = co_await expect_error(org.add_entity(add_entity_req));
        BOOST_TEST(over.diag().limit.value_or(-1) == 5);
    });
}

BOOST_AUTO_TEST_CASE(check_and_track) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("usage")};
        owo::customer org = co_await owo.customer(customer_req);
        owo::check_params check_req{.feature = "api-calls"};
        auto none = co_await org.check(check_req);
        BOOST_TEST(!none.allowed);   // no subscription yet: a denial is a result, not an error
        BOOST_TEST(none.code == std::string_view("no_active_subscription"));

        owo::attach_params attach_req{.product = "trio"};
        co_await org.attach(attach_req);
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "alice"};
        co_await org.add_entity(add_entity_req);
        owo::check_params check_req2{.feature = "seats", .entity = "alice"};
        auto seat = co_await org.check(check_req2);
        BOOST_TEST(seat.allowed);
        BOOST_TEST(seat.usage.value_or(-1) == 1);
        BOOST_TEST(seat.balance.value_or(-1) == 2);
        owo::check_params check_req3{.feature = "seats", .entity = "ghost"};
        auto ghost = co_await org.check(check_req3);
        BOOST_TEST(!ghost.allowed);
        BOOST_TEST(ghost.code == std::string_view("entity_not_found"));
        owo::check_params check_req4{.feature = "seats", .value = 3};
        auto too_many = co_await org.check(check_req4);
        BOOST_TEST(!too_many.allowed);
        BOOST_TEST(too_many.code == std::string_view("limit_exceeded"));

        owo::track_params track_req{.feature = "api-calls", .value = 40};
        auto t = co_await org.track(track_req);
        BOOST_TEST(t.allowed);
        owo::check_params check_req5{.feature = "api-calls", .value = 60};
        auto c = co_await org.check(check_req5);
        BOOST_TEST(c.allowed);
        BOOST_TEST(c.usage.value_or(-1) == 40);
        owo::check_params check_req6{.feature = "api-calls", .value = 61};
        auto c2 = co_await org.check(check_req6);
        BOOST_TEST(!c2.allowed);
        owo::check_params check_req7{.feature = "api-calls", .value = 10, .send_event = true};
        auto sent = co_await org.check(check_req7);
        BOOST_TEST(sent.allowed);
        owo::check_params check_req8{.feature = "api-calls", .value = 1};
        auto c3 = co_await org.check(check_req8);
        BOOST_TEST(c3.usage.value_or(-1) == 50);

        owo::track_params track_req2{.customer = "00000000-0000-4000-8000-000000000000",
                                                        .feature = "api-calls"};
        auto unknown = co_await expect_error(owo.track(track_req2));
        BOOST_TEST((unknown.code() == owo::error::customer_not_found));
    });
}

BOOST_AUTO_TEST_SUITE_END()
