// Auth, TLS verification, connection reuse and secrecy of the key, over real TLS on loopback.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(transport)

BOOST_AUTO_TEST_CASE(wrong_key_is_unauthorized_and_never_echoed) {
    const std::string secret = "sk_test_WRONG_never_print_me";
    std::ostringstream log;
    auto cfg = config_for(shared_server(), secret);
    cfg.on_request = [&](const owo::request_event& ev) {
        log << ev.method << ' ' << ev.path << ' ' << ev.status << ' ' << ev.idempotency_key << ' '
            << ev.error.message() << '\n';
    };
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("x")};
        auto e = co_await expect_error(owo.customer(customer_req));
        BOOST_TEST((e.code() == owo::error::unauthorized));
        BOOST_TEST(e.http_status() == 401);
        BOOST_TEST(e.server_message() == std::string_view("Invalid API Key"));
        BOOST_TEST(std::string(e.what()).find(secret) == std::string::npos);
        BOOST_TEST(e.diag().attempts == 1);   // 401 is not retried
    });
    BOOST_TEST(log.str().find(secret) == std::string::npos);
    BOOST_TEST(log.str().find("POST /v1/customers 401") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_fails_verification) {
    auto cfg = config_for(shared_server());
    cfg.ca_file.clear();   // neither the system store nor a CA file trusts the local CA
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        owo::plans_params plans_req{};
        auto e = co_await expect_error(owo.plans(plans_req));
        BOOST_TEST((e.code().category() == asio::error::get_ssl_category()));
        BOOST_TEST(e.diag().message.find("certificate verification failed") != std::string::npos,
                   e.diag().message);
        BOOST_TEST(e.diag().attempts == 1);   // a certificate problem is never retried
    });
}

BOOST_AUTO_TEST_CASE(connections_are_kept_alive_and_reused) {
    int reused = 0, total = 0;
    std::vector<std::string> keys;
    auto cfg = config_for(shared_server());
    cfg.on_request = [&](const owo::request_event& ev) {
        ++total;
        if (ev.reused_connection) ++reused;
        if (!ev.idempotency_key.empty()) keys.emplace_back(ev.idempotency_key);
    };
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = unique_email("reuse")};
        auto org = co_await owo.customer(customer_req);
        for (int i = 0; i < 10; ++i) {
            owo::list_entities_params req{};
            co_await org.list_entities(req);
        }
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "a"};
        co_await org.add_entity(add_entity_req);
    });
    BOOST_TEST(total == 12);
    BOOST_TEST(reused == 11);   // one TLS connection served every call
    BOOST_REQUIRE_EQUAL(keys.size(), 2u);
    BOOST_TEST(keys[0] != keys[1]);   // one idempotency key per logical call
}

BOOST_AUTO_TEST_CASE(control_characters_never_reach_the_wire) {
    int requests = 0;
    auto cfg = config_for(shared_server());
    cfg.on_request = [&](const owo::request_event&) { ++requests; };
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        owo::add_entity_params add_entity_req{.customer = "c", .feature = "seats", .entity = "a\r\nX: y"};
        auto bad_entity = co_await expect_error(owo.add_entity(add_entity_req));
        BOOST_TEST((bad_entity.code() == owo::error::invalid_argument));
        owo::track_params track_req{.customer = "c", .feature = "f", .idempotency_key = "k\n"};
        auto bad_key = co_await expect_error(owo.track(track_req));
        BOOST_TEST((bad_key.code() == owo::error::invalid_argument));
        owo::list_entities_params list_entities_req{.customer = std::string("a\0b", 3)};
        auto nul = co_await expect_error(owo.list_entities(list_entities_req));
        BOOST_TEST((nul.code() == owo::error::invalid_argument));
        owo::remove_entity_params remove_entity_req{.customer = "c", .feature = "seats", .entity = std::string(300, 'x')};
        auto huge = co_await expect_error(owo.remove_entity(remove_entity_req));
        BOOST_TEST((huge.code() == owo::error::invalid_argument));
    });
    BOOST_TEST(requests == 0);
}

BOOST_AUTO_TEST_CASE(tenants_are_isolated) {
    auto& srv = shared_server();
    std::string id;
    auto email = unique_email("tenant");
    run(config_for(srv, key_a), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer_params customer_req{.email = email};
        auto c = co_await owo.customer(customer_req);
        id = c.id();
        owo::add_entity_params add_entity_req{.feature = "seats", .entity = "secret-seat"};
        co_await c.add_entity(add_entity_req);
    });
    run(config_for(srv, key_b), [&](owo::client& owo) -> asio::awaitable<void> {
        auto e = co_await expect_error(owo.get_customer(id));
        BOOST_TEST((e.code() == owo::error::customer_not_found));
        owo::list_entities_params list_entities_req{.customer = id};
        auto l = co_await expect_error(owo.list_entities(list_entities_req));
        BOOST_TEST((l.code() == owo::error::customer_not_found));
        owo::remove_entity_params remove_entity_req{.customer = id, .feature = "seats", .entity = "secret-seat"};
        auto r = co_await expect_error(owo.remove_entity(remove_entity_req));
        BOOST_TEST((r.code() == owo::error::customer_not_found));
    });
}

BOOST_AUTO_TEST_SUITE_END()
