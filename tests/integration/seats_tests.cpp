// The whole seat lifecycle against a plan with a seat limit of 3.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(seats)

BOOST_AUTO_TEST_CASE(lifecycle_up_to_the_limit_remove_restore_list) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer org = co_await owo.customer({.email = unique_email("org"), .name = "Org"});
        auto attached = co_await org.attach({.product = "trio"});
        BOOST_TEST(!attached.requires_checkout);

        for (int i = 1; i <= 3; ++i) {
            auto r = co_await org.add_entity({.feature = "seats", .entity = "user_" + std::to_string(i),
                                              .name = "User " + std::to_string(i)});
            BOOST_TEST(r.entity_id == "user_" + std::to_string(i));
            BOOST_TEST(r.count == i);
            BOOST_TEST(r.limit.value_or(-1) == 3);
            BOOST_TEST(r.remaining.value_or(-1) == 3 - i);
            BOOST_TEST(!r.restored);
        }

        auto over = co_await expect_error(org.add_entity({.feature = "seats", .entity = "user_4"}));
        BOOST_TEST((over.code() == owo::error::limit_exceeded));
        BOOST_TEST(over.http_status() == 400);
        BOOST_TEST(over.server_code() == "limit_exceeded");
        BOOST_TEST(over.diag().current.value_or(-1) == 3);
        BOOST_TEST(over.diag().limit.value_or(-1) == 3);
        BOOST_TEST(over.diag().feature.value_or("") == "seats");
        BOOST_TEST(over.server_message() == "Limit exceeded: 3/3 seats used");

        auto dup = co_await expect_error(org.add_entity({.feature = "seats", .entity = "user_1"}));
        BOOST_TEST((dup.code() == owo::error::entity_exists));
        BOOST_TEST(dup.http_status() == 409);

        auto removed = co_await org.remove_entity({.feature = "seats", .entity = "user_2"});
        BOOST_TEST(removed.entity_id == "user_2");
        BOOST_TEST(removed.count.value_or(-1) == 3);   // still counted until the period ends
        BOOST_TEST(!removed.already_removed);

        auto listed = co_await org.list_entities({.feature = "seats"});
        BOOST_TEST(listed.total == 3);
        int pending = 0;
        for (const auto& e : listed.entities)
            if (e.status == owo::entity_status::pending_removal) {
                ++pending;
                BOOST_TEST(e.id == "user_2");
            }
        BOOST_TEST(pending == 1);

        // Pending removal still counts: a new seat does not fit.
        auto still_full = co_await expect_error(org.add_entity({.feature = "seats", .entity = "user_5"}));
        BOOST_TEST((still_full.code() == owo::error::limit_exceeded));

        auto gone = co_await expect_error(org.remove_entity({.feature = "seats", .entity = "nobody"}));
        BOOST_TEST((gone.code() == owo::error::entity_not_found));

        auto restored = co_await org.add_entity({.feature = "seats", .entity = "user_2"});
        BOOST_TEST(restored.restored);
        BOOST_TEST(restored.count == 3);

        auto after = co_await org.list_entities({.feature = "seats"});
        for (const auto& e : after.entities) {
            BOOST_TEST((e.status == owo::entity_status::active));
            BOOST_TEST(e.feature_id == "seats");
        }
        auto all = co_await org.list_entities({});
        BOOST_TEST(all.total == 3);
        auto other = co_await org.list_entities({.feature = "api-calls"});
        BOOST_TEST(other.total == 0);
    });
}

BOOST_AUTO_TEST_CASE(unknown_feature_and_customer) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer org = co_await owo.customer({.email = unique_email("org")});
        auto f = co_await expect_error(org.add_entity({.feature = "no-such-feature", .entity = "u"}));
        BOOST_TEST((f.code() == owo::error::feature_not_found));
        auto c = co_await expect_error(owo.add_entity({.customer = "00000000-0000-4000-8000-000000000000",
                                                       .feature = "seats", .entity = "u"}));
        BOOST_TEST((c.code() == owo::error::customer_not_found));
    });
}

BOOST_AUTO_TEST_CASE(caller_idempotency_key_replays_the_first_answer) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer org = co_await owo.customer({.email = unique_email("idem")});
        auto key = unique_id("key");
        auto first = co_await org.add_entity({.feature = "seats", .entity = "u1", .idempotency_key = key});
        auto second = co_await org.add_entity({.feature = "seats", .entity = "u1", .idempotency_key = key});
        BOOST_TEST(second.entity_id == first.entity_id);
        BOOST_TEST(second.count == first.count);   // replayed, not "Entity already exists"
        auto reuse = co_await expect_error(org.add_entity({.feature = "seats", .entity = "u2", .idempotency_key = key}));
        BOOST_TEST((reuse.code() == owo::error::conflict));
    });
}

BOOST_AUTO_TEST_SUITE_END()
