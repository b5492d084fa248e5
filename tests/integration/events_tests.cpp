// Customer events and signed webhooks (issue #18) against real owostack-local processes over
// TLS on loopback, each test with its own server (so its sequence starts at 1) and its own
// plain-HTTP receivers on loopback.
#include "harness.hpp"

#include <support/http_client.hpp>
#include <support/webhook_receiver.hpp>

#include <owostack/pager.hpp>
#include <owostack/webhook.hpp>

#include <boost/asio/detached.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace owo::test {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* secret = "whsec_test_events";

/// A server whose events go to `receivers`, retrying fast.
local_server_options with_webhooks(const std::vector<std::string>& urls, std::string db = ":memory:") {
    local_server_options o;
    o.db = std::move(db);
    o.extra_args = {"--webhook-secret", secret, "--webhook-retry-base-ms", "50", "--webhook-retry-cap-ms", "200",
                    "--webhook-timeout-ms", "1000"};
    for (const auto& u : urls) o.extra_args.insert(o.extra_args.end(), {"--webhook", u});
    return o;
}

/// Every event of the key's organisation, through the SDK's auto-pager (small pages).
std::vector<owo::event> all_events(const local_server& srv, owo::list_events_params p = {.limit = 7}) {
    std::vector<owo::event> out;
    run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
        owo::event_pager pages(c, p);
        for (;;) {
            auto page = co_await pages.next();
            if (page.empty()) break;
            out.insert(out.end(), page.begin(), page.end());
        }
    });
    return out;
}

/// The receiver's deliveries verified with `key`, first receipt of each event id, in arrival order.
std::vector<owo::event> verified_first_receipts(const webhook_receiver& r, std::string_view key = secret) {
    std::vector<owo::event> out;
    std::set<std::string> seen;
    for (const auto& d : r.received()) {
        auto e = owo::webhook::verify(d.body, d.signature, key);
        BOOST_TEST(e.id == d.event_id);
        if (seen.insert(e.id).second) out.push_back(std::move(e));
    }
    return out;
}

std::size_t distinct_ids(const std::vector<webhook_receiver::delivery>& got) {
    std::set<std::string> ids;
    for (const auto& d : got) ids.insert(d.event_id);
    return ids.size();
}

std::vector<std::string> types_of(const std::vector<owo::event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type_text);
    return out;
}

void check_sequences_from_one(const std::vector<owo::event>& events) {
    for (std::size_t i = 0; i < events.size(); ++i) BOOST_TEST(events[i].sequence == static_cast<std::int64_t>(i + 1));
}

raw_response call_api(const local_server& srv, std::string method, std::string target, std::string body = {}) {
    raw_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    if (!r.body.empty()) r.headers["Content-Type"] = "application/json";
    return call(srv.port(), srv.ca_file(), r);
}

} // namespace

BOOST_AUTO_TEST_SUITE(events)

BOOST_AUTO_TEST_CASE(every_event_type_exactly_once_per_change) {
    webhook_receiver receiver;
    local_server srv(with_webhooks({receiver.url()}));
    std::string a_id, b_id;
    run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
        owo::customer_params acme{.id = "acme", .email = "owner@acme.test", .name = "Acme"};
        auto a = co_await c.customer(acme);   // customer.created
        a_id = a.id();
        owo::update_customer_params rename{.customer = a_id, .name = "Acme Inc"};
        co_await c.update_customer(rename);                                                       // customer.updated
        owo::update_customer_params same{.customer = a_id, .name = "Acme Inc"};
        co_await c.update_customer(same);                                                         // no change: none
        owo::customer_params other{.email = "someone@else.test"};
        auto b = co_await c.customer(other);                                                      // customer.created
        b_id = b.id();
        owo::bind_customer_params bind{.customer = b_id, .external_id = "else"};
        co_await c.bind_customer(bind);                                                           // customer.bound
        owo::add_entity_params seat{.customer = a_id, .feature = "seats", .entity = "u1"};
        co_await c.add_entity(seat);                                                              // entity.added
        owo::remove_entity_params unseat{.customer = a_id, .feature = "seats", .entity = "u1"};
        co_await c.remove_entity(unseat);                                                         // entity.removed
        co_await c.add_entity(seat);                                                              // entity.restored
        owo::attach_params attach{.customer = a_id, .product = "team"};
        auto checkout = co_await c.attach(attach);                                                // plan.attached
        BOOST_TEST_REQUIRE(checkout.checkout_url.has_value());
        BOOST_TEST(https_get_status(*checkout.checkout_url, srv.ca_file()) == 200);               // subscription.activated
        owo::track_params most{.customer = a_id, .feature = "api-calls", .value = 9999};
        co_await c.track(most);                                                                   // below the limit: none
        owo::track_params last{.customer = a_id, .feature = "api-calls", .value = 1};
        co_await c.track(last);                                                                   // usage.limit_reached
        auto refused = co_await c.track(last);                                                    // refused: none
        BOOST_TEST(!refused.allowed);
        owo::delete_customer_params del{.customer = a_id};
        co_await c.delete_customer(del);                                                          // customer.deleted
    });

    auto events = all_events(srv);
    std::vector<std::string> expected{"customer.created", "customer.updated",  "customer.created",       "customer.bound",
                                      "entity.added",     "entity.removed",    "entity.restored",        "plan.attached",
                                      "subscription.activated", "usage.limit_reached", "customer.deleted"};
    BOOST_TEST(types_of(events) == expected, boost::test_tools::per_element());
    check_sequences_from_one(events);
    for (const auto& e : events) BOOST_TEST((e.type != owo::event_type::unknown));
    BOOST_TEST_REQUIRE(events.size() == expected.size());

    // The typed views.
    auto updated = owo::customer_event_of(events[1]);
    BOOST_TEST_REQUIRE(updated.has_value());
    BOOST_TEST(updated->customer.name == "Acme Inc");
    BOOST_TEST(json::value(updated->previous_attributes) == json::parse(R"({"name":"Acme"})"));
    auto added = owo::entity_event_of(events[4]);
    BOOST_TEST_REQUIRE(added.has_value());
    BOOST_TEST(added->entity.id == "u1");
    BOOST_TEST(added->customer_id == a_id);
    BOOST_TEST(added->count == 1);
    BOOST_TEST((added->limit == std::optional<std::int64_t>(1)));
    BOOST_TEST(!owo::entity_event_of(events[0]).has_value());
    BOOST_TEST(owo::customer_event_of(events[10])->customer.deleted_at.has_value());
    BOOST_TEST(events[9].data.at("featureId") == "api-calls");
    BOOST_TEST(events[9].data.at("usage") == 10000);

    // Filters: by customer, by type (still in sequence order).
    BOOST_TEST(types_of(all_events(srv, {.customer = b_id})) == (std::vector<std::string>{"customer.created", "customer.bound"}),
               boost::test_tools::per_element());
    auto seats = all_events(srv, {.limit = 1, .types = {owo::event_type::entity_added, owo::event_type::entity_restored}});
    BOOST_TEST_REQUIRE(seats.size() == 2u);
    BOOST_TEST(seats[0].sequence == 5);
    BOOST_TEST(seats[1].sequence == 7);
    BOOST_TEST(all_events(srv, {.after = 9}).size() == 2u);

    // Every one delivered, signed, in order.
    BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return distinct_ids(got) == expected.size(); }, 10s));
    auto delivered = verified_first_receipts(receiver);
    check_sequences_from_one(delivered);
}

BOOST_AUTO_TEST_CASE(a_receiver_down_then_up_receives_everything_in_order) {
    webhook_receiver receiver;
    receiver.stop();   // down: connections are refused until it comes back on the same port
    local_server srv(with_webhooks({receiver.url()}));
    constexpr int changes = 30;
    run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
        for (int i = 0; i < changes; ++i) {
            owo::customer_params p{.email = unique_email("down")};
            co_await c.customer(p);
        }
    });
    std::this_thread::sleep_for(600ms);   // several retries fail meanwhile
    BOOST_TEST(receiver.received().empty());
    receiver.start();
    BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return distinct_ids(got) == changes; }, 20s));
    auto delivered = verified_first_receipts(receiver);
    check_sequences_from_one(delivered);
}

BOOST_AUTO_TEST_CASE(a_receiver_that_never_answers_holds_up_no_one_else) {
    webhook_receiver silent(0, webhook_receiver::mode::hang), failing(0, webhook_receiver::mode::fail), good;
    local_server srv(with_webhooks({silent.url(), failing.url(), good.url()}));
    constexpr int changes = 20;
    run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
        for (int i = 0; i < changes; ++i) {
            owo::customer_params p{.email = unique_email("silent")};
            co_await c.customer(p);
        }
    });
    BOOST_TEST_REQUIRE(good.wait_until([&](const auto& got) { return distinct_ids(got) == changes; }, 10s));
    check_sequences_from_one(verified_first_receipts(good));
    // The silent one got its first event and, held up, nothing after it; the failing one only
    // ever sees its first event again (order: nothing overtakes a delivery being retried).
    BOOST_TEST(silent.wait_until([](const auto& got) { return !got.empty(); }, 5s));
    BOOST_TEST(failing.wait_until([](const auto& got) { return got.size() >= 2; }, 5s));
    BOOST_TEST(distinct_ids(silent.received()) == 1u);
    BOOST_TEST(distinct_ids(failing.received()) == 1u);
}

BOOST_AUTO_TEST_CASE(kill_9_mid_burst_loses_no_event_and_delivers_each_at_least_once) {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / ("owostack-events-" + unique_id("kill9"));
    fs::create_directories(dir);
    struct cleanup {
        fs::path d;
        ~cleanup() { fs::remove_all(d); }
    } rm{dir};
    auto db = (dir / "events.db").string();
    webhook_receiver receiver;

    std::set<std::string> acknowledged;   // customers whose create was answered 200
    {
        local_server first(with_webhooks({receiver.url()}, db));
        auto cfg = config_for(first);
        cfg.retry.max_retries = 0;
        cfg.request_timeout = 5s;
        std::mutex m;
        std::atomic<int> next{0};
        std::atomic<bool> killed{false};
        constexpr int burst = 1000, in_flight = 16, kill_after = 400;
        asio::io_context ioc;
        owo::client client(ioc.get_executor(), cfg);
        for (int w = 0; w < in_flight; ++w)
            asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
                for (int i; !killed && (i = next++) < burst;) {
                    try {
                        owo::customer_params p{.email = "burst-" + std::to_string(i) + "@kill.test"};
                        auto made = co_await client.customer(p);
                        std::lock_guard lock(m);
                        acknowledged.insert(made.id());
                        if (acknowledged.size() >= kill_after && !killed.exchange(true)) first.kill_hard();
                    } catch (const owo::api_error&) {
                        // refused or cut off by the kill: not acknowledged, may or may not have committed
                    }
                }
            }, asio::detached);
        ioc.run();
        BOOST_TEST_REQUIRE(killed.load());
    }
    BOOST_TEST(acknowledged.size() >= 400u);

    local_server second(with_webhooks({receiver.url()}, db));
    auto events = all_events(second, {.limit = 1000});
    check_sequences_from_one(events);
    std::map<std::string, int> created;
    for (const auto& e : events) {
        BOOST_TEST(e.type_text == "customer.created");
        ++created[e.customer_id.value_or("")];
    }
    // Exactly one event per customer that exists, none for one that does not.
    std::set<std::string> customers;
    run(config_for(second), [&](owo::client& c) -> asio::awaitable<void> {
        owo::customer_pager pages(c, {.limit = 100});
        for (;;) {
            auto page = co_await pages.next();
            if (page.empty()) break;
            for (const auto& r : page) customers.insert(r.id);
        }
    });
    BOOST_TEST(customers.size() == events.size());
    for (const auto& id : customers) BOOST_TEST(created[id] == 1, id);
    for (const auto& id : acknowledged) BOOST_TEST(customers.contains(id), id);

    // Every event reaches the receiver at least once (across the crash).
    BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return distinct_ids(got) == events.size(); }, 30s));
    std::set<std::string> got;
    for (const auto& e : verified_first_receipts(receiver)) got.insert(e.id);
    for (const auto& e : events) BOOST_TEST(got.contains(e.id), e.id);
}

BOOST_AUTO_TEST_CASE(endpoints_through_the_api_and_secret_rotation_with_overlap) {
    webhook_receiver receiver;
    local_server srv;
    // Refused: http to a public host, unknown types.
    BOOST_TEST(call_api(srv, "POST", "/v1/webhook_endpoints", R"({"url":"http://example.com/h"})").status == 400);
    BOOST_TEST(call_api(srv, "POST", "/v1/webhook_endpoints", R"({"url":")" + receiver.url() + R"(","types":["nope"]})").status == 400);

    auto made = call_api(srv, "POST", "/v1/webhook_endpoints", R"({"url":")" + receiver.url() + R"(","types":["customer.created"]})");
    BOOST_TEST_REQUIRE(made.status == 200);
    auto endpoint = json::parse(made.body).as_object();
    std::string id(endpoint.at("id").as_string()), first(endpoint.at("secret").as_string());
    BOOST_TEST(first.starts_with("whsec_"));
    auto listed = call_api(srv, "GET", "/v1/webhook_endpoints");
    BOOST_TEST(listed.status == 200);
    BOOST_TEST(listed.body.find(first) == std::string::npos);   // never shown again
    BOOST_TEST(listed.body.find(id) != std::string::npos);

    auto create = [&](const char* prefix) {
        run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
            owo::customer_params p{.email = unique_email(prefix)};
            co_await c.customer(p);
        });
    };
    auto last_delivery = [&](std::size_t n) {
        BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return distinct_ids(got) >= n; }, 10s));
        return receiver.received().back();
    };
    create("before");
    auto d1 = last_delivery(1);
    BOOST_TEST((owo::webhook::verify(d1.body, d1.signature, first).type == owo::event_type::customer_created));

    auto rotated = call_api(srv, "POST", "/v1/webhook_endpoints/" + id + "/rotate_secret", "{}");
    BOOST_TEST_REQUIRE(rotated.status == 200);
    std::string second(json::parse(rotated.body).at("secret").as_string());
    create("overlap");
    auto d2 = last_delivery(2);   // both signatures while the overlap lasts
    BOOST_TEST(owo::webhook::verify(d2.body, d2.signature, second).id == d2.event_id);
    BOOST_TEST(owo::webhook::verify(d2.body, d2.signature, first).id == d2.event_id);

    auto cut = call_api(srv, "POST", "/v1/webhook_endpoints/" + id + "/rotate_secret", R"({"overlapSeconds":0})");
    BOOST_TEST_REQUIRE(cut.status == 200);
    std::string third(json::parse(cut.body).at("secret").as_string());
    create("after");
    auto d3 = last_delivery(3);
    BOOST_TEST(owo::webhook::verify(d3.body, d3.signature, third).id == d3.event_id);
    boost::system::error_code ec;
    owo::webhook::verify(d3.body, d3.signature, second, owo::webhook::default_tolerance, std::chrono::system_clock::now(), ec);
    BOOST_TEST((ec == owo::webhook::verify_errc::bad_signature));

    BOOST_TEST(call_api(srv, "DELETE", "/v1/webhook_endpoints/" + id).status == 200);
    BOOST_TEST(call_api(srv, "DELETE", "/v1/webhook_endpoints/" + id).status == 404);
    BOOST_TEST(call_api(srv, "GET", "/v1/webhook_endpoints").body.find(id) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_off_writes_none_and_bad_queries_are_refused) {
    local_server_options o;
    o.extra_args = {"--events", "off"};
    local_server srv(o);
    run(config_for(srv), [&](owo::client& c) -> asio::awaitable<void> {
        owo::customer_params p{.email = unique_email("off")};
        co_await c.customer(p);
    });
    BOOST_TEST(all_events(srv).empty());
    BOOST_TEST(call_api(srv, "GET", "/v1/events?type=customer.nope").status == 400);
    BOOST_TEST(call_api(srv, "GET", "/v1/events?after=-1").status == 400);
    BOOST_TEST(call_api(srv, "GET", "/v1/events?limit=1001").status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace owo::test
