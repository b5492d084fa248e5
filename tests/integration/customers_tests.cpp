// Customer create-or-resolve, exactly as docs/protocol.md describes it.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(customers)

BOOST_AUTO_TEST_CASE(create_by_email_lowercases_and_defaults_name) {
    auto email = unique_email("Jane.Doe");
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = email};
        owo::customer c = co_await owo.customer(customer_req);
        std::string lower = email;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        BOOST_TEST(c.valid());
        BOOST_TEST(c.email() == lower);
        BOOST_TEST(c.name() == lower.substr(0, lower.find('@')));
        BOOST_TEST(c.id().size() == 36u);   // a server-generated UUID
        BOOST_TEST(c.created_at().time_since_epoch().count() > 0);
        // Resolving by the same email in another case finds the same customer.
        owo::customer_params customer_req2{.email = email};
        owo::customer again = co_await owo.customer(customer_req2);
        BOOST_TEST(again.id() == c.id());
        auto fetched = co_await owo.get_customer(c.id());
        BOOST_TEST(fetched.email() == lower);
    });
}

BOOST_AUTO_TEST_CASE(id_and_email_then_resolve_merges_metadata_and_updates_name) {
    auto ext = unique_id("org");
    auto email = unique_email("ops");
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        // Built outside the co_await: g++ 12 cannot keep brace-initialised literals in a coroutine frame.
        json::object first_meta{{"industry", "SaaS"}, {"size", 10}};
        json::object second_meta{{"size", 50}, {"region", "eu"}};
        owo::customer_params customer_req{.id = ext, .email = email, .name = "Acme", .metadata = first_meta};
        owo::customer first = co_await owo.customer(customer_req);
        BOOST_TEST(first.id() != ext);   // the caller id is stored as the external id, never echoed
        BOOST_TEST(first.name() == std::string_view("Acme"));

        owo::customer_params customer_req2{.id = ext, .email = unique_email("other"), .name = "Acme Corporation",
             .metadata = second_meta};
        owo::customer second = co_await owo.customer(customer_req2);
        BOOST_TEST(second.id() == first.id());
        BOOST_TEST(second.name() == std::string_view("Acme Corporation"));
        BOOST_TEST(second.email() == email);   // the email of an existing customer never changes
        BOOST_TEST(second.metadata().at("industry").as_string() == std::string_view("SaaS"));
        BOOST_TEST(second.metadata().at("size").to_number<int>() == 50);
        BOOST_TEST(second.metadata().at("region").as_string() == std::string_view("eu"));

        auto refreshed = co_await second.refresh();
        BOOST_TEST(refreshed.name() == std::string_view("Acme Corporation"));

        // GET by external id is not supported by the API: 404 Customer not found.
        auto e = co_await expect_error(owo.get_customer(ext));
        BOOST_TEST((e.code() == owo::error::customer_not_found));
        BOOST_TEST(e.http_status() == 404);
        BOOST_TEST(e.server_message() == std::string_view("Customer not found"));
    });
}

BOOST_AUTO_TEST_CASE(invalid_email_is_refused_before_sending) {
    int requests = 0;
    auto cfg = config_for(shared_server());
    cfg.on_request = [&](const owo::request_event&) { ++requests; };
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        for (const char* bad : {"", "not-an-email", "a@b", "x\r\n@evil.com"}) {
            owo::customer_params customer_req{.email = bad};
            auto e = co_await expect_error(owo.customer(customer_req));
            BOOST_TEST((e.code() == owo::error::invalid_argument));
            BOOST_TEST(e.diag().message.find("email") != std::string::npos);
        }
        auto e = co_await expect_error(owo.get_customer(""));
        BOOST_TEST((e.code() == owo::error::invalid_argument));
    });
    BOOST_TEST(requests == 0);
}

BOOST_AUTO_TEST_CASE(plus_and_at_in_emails_round_trip_through_queries) {
    auto email = unique_id("jane+billing") + "@acme.com";
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = email};
        auto c = co_await owo.customer(customer_req);
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "u1"};
        co_await c.add_entity(add_entity_req);
        // Resolve the customer by its email in a query string: '+' must not become a space.
        owo::list_entities_params list_entities_req{.customer = email, .feature = "seats"};
        auto listed = co_await owo.list_entities(list_entities_req);
        BOOST_TEST(listed.total == 1);
        BOOST_REQUIRE_EQUAL(listed.entities.size(), 1u);
        BOOST_TEST(listed.entities[0].id == std::string_view("u1"));
    });
}

BOOST_AUTO_TEST_SUITE_END()
