// The whole seat lifecycle against a plan with a seat limit of 3.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(seats)

BOOST_AUTO_TEST_CASE(lifecycle_up_to_the_limit_remove_restore_list) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("org"), .name = "Org"};
        owo::customer org = co_await owo.customer(customer_req);
        owo::attach_params attach_req{.product = "trio"};
        auto attached = co_await org.attach(attach_req);
        BOOST_TEST(!attached.requires_checkout);

        for (int i = 1; i <= 3; ++i) {
            owo::add_entity_params add_entity_req{.feature = "seats", .entity = "user_" + std::to_string(i),
                                              .name = "User " + std::to_string(i)};
            auto r = co_await org.add_entity(add_entity_req);
            BOOST_TEST(r.entity_id == "user_" + std::to_string(i));
            BOOST_TEST(r.count == i);
            BOOST_TEST(r.limit.value_or(-1) == 3);
            BOOST_TEST(r.remaining.value_or(-1) == 3 - i);
            BOOST_TEST(!r.restored);
        }

        owo::add_entity_params add_entity_req2{.feature = "seats", .entity = "user_4"};
        auto over = co_await expect_error(org.add_entity(add_entity_req2));
        BOOST_TEST((over.code() == owo::error::limit_exceeded));
        BOOST_TEST(over.http_status() == 400);
        BOOST_TEST(over.server_code() == std::string_view("limit_exceeded"));
        BOOST_TEST(over.diag().current.value_or(-1) == 3);
        BOOST_TEST(over.diag().limit.value_or(-1) == 3);
        BOOST_TEST(over.diag().feature.value_or("") == std::string_view("seats"));
        BOOST_TEST(over.server_message() == std::string_view("Limit exceeded: 3/3 seats used"));

        owo::add_entity_params add_entity_req3{.feature = "seats", .entity = "user_1"};
        auto dup = co_await expect_error(org.add_entity(add_entity_req3));
        BOOST_TEST((dup.code() == owo::error::entity_exists));
        BOOST_TEST(dup.http_status() == 409);

        owo::remove_entity_params remove_entity_req{.feature = "seats", .entity = "user_2"};
        auto removed = co_await org.remove_entity(remove_entity_req);
        BOOST_TEST(removed.entity_id == std::string_view("user_2"));
        BOOST_TEST(removed.count.value_or(-1) == 3);   // still counted until the period ends
        BOOST_TEST(!removed.already_removed);

        owo::list_entities_params list_entities_req{.feature = "seats"};
        auto listed = co_await org.list_entities(list_entities_req);
        BOOST_TEST(listed.total == 3);
        int pending = 0;
        for (const auto& e : listed.entities)
            if (e.status == owo::entity_status::pending_removal) {
                ++pending;
                BOOST_TEST(e.id == std::string_view("user_2"));
            }
        BOOST_TEST(pending == 1);

        // Pending removal still counts: a new seat does not fit.
        owo::add_entity_params add_entity_req4{.feature = "seats", .entity = "user_5"};
        auto still_full = co_await expect_error(org.add_entity(add_entity_req4));
        BOOST_TEST((still_full.code() == owo::error::limit_exceeded));

        owo::remove_entity_params remove_entity_req2{.feature = "seats", .entity = "nobody"};
        auto gone = co_await expect_error(org.remove_entity(remove_entity_req2));
        BOOST_TEST((gone.code() == owo::error::entity_not_found));

        owo::add_entity_params add_entity_req5{.feature = "seats", .entity = "user_2"};
        auto restored = co_await org.add_entity(add_entity_req5);
        BOOST_TEST(restored.restored);
        BOOST_TEST(restored.count == 3);

        owo::list_entities_params list_entities_req2{.feature = "seats"};
        auto after = co_await org.list_entities(list_entities_req2);
        for (const auto& e : after.entities) {
            BOOST_TEST((e.status == owo::entity_status::active));
            BOOST_TEST(e.feature_id == std::string_view("seats"));
        }
        owo::list_entities_params list_entities_req3{};
        auto all = co_await org.list_entities(list_entities_req3);
        BOOST_TEST(all.total == 3);
        owo::list_entities_params list_entities_req4{.feature = "api-calls"};
        auto other = co_await org.list_entities(list_entities_req4);
        BOOST_TEST(other.total == 0);
    });
}

BOOST_AUTO_TEST_CASE(unknown_feature_and_customer) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("org")};
        owo::customer org = co_await owo.customer(customer_req);
        owo::add_entity_params add_entity_req{.feature = "no-such-feature", .entity = "u"};
        auto f = co_await expect_error(org.add_entity(add_entity_req));
        BOOST_TEST((f.code() == owo::error::feature_not_found));
        owo::add_entity_params add_entity_req2{.customer = "00000000-0000-4000-8000-000000000000",
                                                       .feature = "seats", .entity = "u"};
        auto c = co_await expect_error(owo.add_entity(add_entity_req2));
        BOOST_TEST((c.code() == owo::error::customer_not_found));
    });
}

BOOST_AUTO_TEST_CASE(caller_idempotency_key_replays_the_first_answer) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("idem")};
        owo::customer org = co_await owo.customer(customer_req);
        auto key = unique_id("key");
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "u1", .idempotency_key = key};
        auto first = co_await org.add_entity(add_entity_req);
        owo::add_entity_params add_entity_req2{.feature = "seats", .entity = "u1", .idempotency_key = key};
        auto second = co_await org.add_entity(add_entity_req2);
        BOOST_TEST(second.entity_id == first.entity_id);
        owo::add_entity_params add_entity_req3{.feature = "seats", .entity = "u2", .idempotency_key = key};
        BOOST_TEST(second.count == first.count);   // replayed, not "Entity already exists"
        auto reuse = co_await expect_error(org.add_entity(add_entity_req3));
        BOOST_TEST((reuse.code() == owo::error::conflict));
    });
}

BOOST_AUTO_TEST_SUITE_END()
