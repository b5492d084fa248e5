// Several owostack-local instances on one PostgreSQL (the fixture cluster, a fresh database per
// case): seat limits, idempotency keys, binds and version checks stay exact when the racing
// requests land on different instances.
#include <support/all_at_once.hpp>
#include <support/http_client.hpp>
#include <support/local_server.hpp>
#include <support/postgres.hpp>
#include <support/webhook_receiver.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace json = boost::json;
using namespace owo::test;

namespace {

/// `n` owostack-local processes on one fresh database of the fixture's PostgreSQL.
struct instances {
    explicit instances(int n) {
        auto cluster = test_postgres_url();
        BOOST_REQUIRE_MESSAGE(cluster, "run through postgres_test.sh (OWOSTACK_TEST_POSTGRES)");
        url = fresh_postgres_database(*cluster);
        for (int i = 0; i < n; ++i)
            servers.push_back(std::make_unique<local_server>(
                local_server_options{.catalog = OWOSTACK_SOURCE_DIR "/tests/postgres/catalog.json", .store = url}));
    }
    raw_response call(int i, raw_request r) const {
        const auto& s = *servers[static_cast<std::size_t>(i) % servers.size()];
        return owo::test::call(s.port(), s.ca_file(), r);
    }
    std::string url;
    std::vector<std::unique_ptr<local_server>> servers;
};

json::object body_of(const raw_response& r) { return json::parse(r.body).as_object(); }

std::string create(const instances& on, int instance, const std::string& body) {
    auto r = on.call(instance, {.method = "POST", .target = "/v1/customers", .body = body});
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return std::string(body_of(r).at("id").as_string());
}

/// Every event of the organisation, paged through GET /v1/events on `instance`.
json::array all_events(const instances& on, int instance) {
    json::array out;
    for (std::int64_t after = 0;;) {
        auto r = on.call(instance, {.target = "/v1/events?limit=100&after=" + std::to_string(after)});
        BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
        auto page = body_of(r);
        for (auto& e : page.at("events").as_array()) out.push_back(e);
        if (!page.at("hasMore").as_bool()) return out;
        after = out.back().as_object().at("sequence").as_int64();
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(several_instances)

// Events (#18): creates racing on three instances form one sequence 1..n, without a gap or a
// repeat, each create with its one event; and one endpoint gets each of them once, in order,
// though three instances' delivery workers share the outbox.
BOOST_AUTO_TEST_CASE(events_from_three_instances_form_one_gap_free_sequence_delivered_in_order) {
    instances on(3);
    webhook_receiver receiver;
    auto made = on.call(0, {.method = "POST", .target = "/v1/webhook_endpoints",
                            .body = R"({"url":")" + receiver.url() + R"(","types":["customer.created"]})"});
    BOOST_REQUIRE_MESSAGE(made.status == 200, made.body);
    constexpr int creates = 60;
    auto answers = all_at_once(creates, [&](int i) {
        return on.call(i, {.method = "POST", .target = "/v1/customers",
                           .body = R"({"email":"ev-)" + std::to_string(i) + R"(@example.com"})"});
    });
    std::set<std::string> created;
    for (const auto& r : answers) {
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
        created.insert(std::string(body_of(r).at("id").as_string()));
    }
    for (int i = 0; i < 3; ++i) {   // every instance reads the same log
        auto events = all_events(on, i);
        BOOST_REQUIRE_EQUAL(events.size(), static_cast<std::size_t>(creates));
        std::set<std::string> customers;
        for (std::size_t k = 0; k < events.size(); ++k) {
            const auto& e = events[k].as_object();
            BOOST_TEST(e.at("sequence").as_int64() == static_cast<std::int64_t>(k + 1));
            BOOST_TEST(e.at("type").as_string() == "customer.created");
            customers.insert(std::string(e.at("customerId").as_string()));
        }
        BOOST_TEST((customers == created));
    }
    // Delivered once each, in sequence order (the endpoint answers at once, no instance dies:
    // at-least-once has no reason to repeat one).
    BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return got.size() >= creates; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));   // a repeat would arrive now
    auto got = receiver.received();
    BOOST_TEST(got.size() == static_cast<std::size_t>(creates));
    std::int64_t last = 0;
    for (const auto& d : got) {
        auto seq = json::parse(d.body).as_object().at("sequence").as_int64();
        BOOST_TEST(seq == last + 1, "delivery of " << seq << " after " << last);
        last = seq;
    }
}


BOOST_AUTO_TEST_CASE(sixty_seat_adds_across_three_instances_fill_exactly_ten_seats) {
    instances on(3);
    auto id = create(on, 0, R"({"email":"seats@example.com"})");
    auto answers = all_at_once(60, [&](int i) {
        return on.call(i, {.method = "POST", .target = "/v1/entities",
                           .body = R"({"customer":")" + id + R"(","feature":"seats","entity":"user-)" + std::to_string(i) + "\"}"});
    });
    int added = 0, over_limit = 0;
    for (const auto& r : answers) {
        if (r.status == 200) ++added;
        else if (r.status == 400 && body_of(r).at("code").as_string() == "limit_exceeded") ++over_limit;
        else BOOST_ERROR("unexpected answer " << r.status << " " << r.body);
    }
    BOOST_TEST(added == 10);
    BOOST_TEST(over_limit == 50);
    // Every instance sees the same ten seats.
    for (int i = 0; i < 3; ++i) {
        auto listed = on.call(i, {.target = "/v1/entities?customer=" + id + "&feature=seats"});
        BOOST_REQUIRE_EQUAL(listed.status, 200);
        BOOST_TEST(body_of(listed).at("total").as_int64() == 10);
    }
}

// An instance killed while it holds an endpoint's claim: another instance takes the endpoint
// over once the claim expires (3 × the post timeout + 5 s) and delivers what was not recorded.
BOOST_AUTO_TEST_CASE(a_killed_holder_s_endpoint_is_taken_over_when_its_claim_expires) {
    auto cluster = test_postgres_url();
    BOOST_REQUIRE_MESSAGE(cluster, "run through postgres_test.sh (OWOSTACK_TEST_POSTGRES)");
    auto url = fresh_postgres_database(*cluster);
    local_server_options o{.catalog = OWOSTACK_SOURCE_DIR "/tests/postgres/catalog.json",
                           .extra_args = {"--webhook-timeout-ms", "300", "--webhook-retry-base-ms", "100"},
                           .store = url};
    webhook_receiver receiver(0, webhook_receiver::mode::hang);
    auto first = std::make_unique<local_server>(o);
    auto call = [](const local_server& s, raw_request r) { return owo::test::call(s.port(), s.ca_file(), r); };
    auto made = call(*first, {.method = "POST", .target = "/v1/webhook_endpoints", .body = R"({"url":")" + receiver.url() + "\"}"});
    BOOST_REQUIRE_MESSAGE(made.status == 200, made.body);
    BOOST_REQUIRE(call(*first, {.method = "POST", .target = "/v1/customers", .body = R"({"email":"held@example.com"})"}).status == 200);
    // The first instance claimed the endpoint and is posting (the receiver never answers).
    BOOST_TEST_REQUIRE(receiver.wait_until([](const auto& got) { return !got.empty(); }, std::chrono::seconds(10)));
    first->kill_hard();
    auto tried = receiver.received().size();
    receiver.set_mode(webhook_receiver::mode::answer);
    local_server second(o);
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST_REQUIRE(receiver.wait_until([&](const auto& got) { return got.size() > tried; }, std::chrono::seconds(15)));
    auto waited = std::chrono::steady_clock::now() - started;
    BOOST_TEST_MESSAGE("taken over after " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms");
    auto got = receiver.received();
    BOOST_TEST(json::parse(got.back().body).as_object().at("type").as_string() == "customer.created");
    BOOST_TEST(json::parse(got.back().body).as_object().at("sequence").as_int64() == 1);
}

// Billing (#19): a sandbox card-setup page fetched on three instances at once saves one card.
BOOST_AUTO_TEST_CASE(one_payment_page_fetched_on_three_instances_completes_once) {
    instances on(3);
    for (int round = 0; round < 8; ++round) {   // a race is a matter of timing: several tries
        auto id = create(on, 0, R"({"email":"card-)" + std::to_string(round) + R"(@example.com"})");
        auto setup = on.call(1, {.method = "POST", .target = "/v1/wallet/setup", .body = R"({"customer":")" + id + "\"}"});
        BOOST_REQUIRE_MESSAGE(setup.status == 200, setup.body);
        std::string url(body_of(setup).at("url").as_string());
        auto path = url.substr(url.find("/v1/checkout/"));
        auto answers = all_at_once(12, [&](int i) { return on.call(i, {.target = path, .key = ""}); });
        for (const auto& r : answers) BOOST_TEST(r.status == 200, r.body);
        auto wallet = on.call(round, {.target = "/v1/wallet?customer=" + id});
        BOOST_REQUIRE_MESSAGE(wallet.status == 200, wallet.body);
        auto w = body_of(wallet);
        BOOST_TEST(w.at("hasCard").as_bool());
        BOOST_TEST(w.at("methods").as_array().size() == 1u, wallet.body);
    }
}

BOOST_AUTO_TEST_CASE(one_idempotency_key_on_two_instances_creates_one_customer) {
    instances on(2);
    for (int round = 0; round < 5; ++round) {
        std::string email = "idem-" + std::to_string(round) + "@example.com";
        std::string key = "create-" + std::to_string(round);
        auto answers = all_at_once(8, [&](int i) {
            return on.call(i, {.method = "POST", .target = "/v1/customers", .body = R"({"email":")" + email + "\"}",
                               .headers = {{"Idempotency-Key", key}}});
        });
        std::set<std::string> ids;
        for (const auto& r : answers) {
            BOOST_TEST_REQUIRE(r.status == 200, r.body);
            ids.insert(std::string(body_of(r).at("id").as_string()));
        }
        BOOST_TEST(ids.size() == 1u);
        auto listed = on.call(1, {.target = "/v1/customers?email=" + email});
        BOOST_REQUIRE_EQUAL(listed.status, 200);
        BOOST_TEST(body_of(listed).at("customers").as_array().size() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(binds_across_instances_bind_once) {
    instances on(3);
    auto id = create(on, 0, R"({"email":"bind@example.com"})");
    auto answers = all_at_once(30, [&](int i) {
        return on.call(i, {.method = "POST", .target = "/v1/customers/" + id + "/bind",
                           .body = R"({"externalId":"ext-)" + std::to_string(i) + "\"}"});
    });
    auto race = tally_binds(answers);
    BOOST_TEST(race.won == 1);
    BOOST_TEST(race.refused == 29);
    for (int i = 0; i < 3; ++i) {
        auto now = body_of(on.call(i, {.target = "/v1/customers/" + id}));
        BOOST_TEST(now.at("externalId").as_string() == race.bound);
        BOOST_TEST(now.at("version").as_int64() == 2);
    }
}

BOOST_AUTO_TEST_CASE(version_checks_across_instances_let_one_writer_win) {
    instances on(3);
    auto id = create(on, 0, R"({"email":"occ@example.com"})");
    auto answers = all_at_once(30, [&](int i) {
        return on.call(i, {.method = "PATCH", .target = "/v1/customers/" + id,
                           .body = R"({"metadata":{"writer":)" + std::to_string(i) + R"(},"expectedVersion":1})"});
    });
    int won = 0, conflicts = 0;
    for (const auto& r : answers) {
        if (r.status == 200) ++won;
        else if (r.status == 409) ++conflicts;
        else BOOST_ERROR("unexpected answer " << r.status << " " << r.body);
    }
    BOOST_TEST(won == 1);
    BOOST_TEST(conflicts == 29);
    auto now = body_of(on.call(2, {.target = "/v1/customers/" + id}));
    BOOST_TEST(now.at("version").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(a_catalog_synced_on_one_instance_serves_on_the_others) {
    instances on(2);
    auto sync = on.call(0, {.method = "POST", .target = "/v1/sync",
                            .body = R"({"features":[{"slug":"exports","type":"metered","name":"Exports","meterType":"consumable"}],"plans":[]})"});
    BOOST_REQUIRE_MESSAGE(sync.status == 200, sync.body);
    auto id = create(on, 1, R"({"email":"catalog@example.com"})");
    // Instance 1 knows the feature instance 0 synced: a seat on it is not "Feature not found".
    auto r = on.call(1, {.method = "POST", .target = "/v1/entities",
                         .body = R"({"customer":")" + id + R"(","feature":"exports","entity":"e1"})"});
    BOOST_TEST(r.status == 200, r.body);
}

// Readiness follows the database: 503 while the instance cannot reach it, 200 again (and writes
// work, on reconnected pool connections) once it can.
BOOST_AUTO_TEST_CASE(readiness_fails_while_postgres_is_unreachable_and_recovers) {
    instances on(1);
    auto ready = [&] { return on.call(0, {.target = "/ready", .key = ""}).status; };
    auto wait_for = [&](int status) {
        for (int i = 0; i < 100 && ready() != status; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return ready();
    };
    BOOST_TEST(ready() == 200);
    auto cluster = *test_postgres_url();
    auto db = on.url.substr(on.url.rfind('/') + 1);
    // The database refuses connections and drops the ones it has: as unreachable as it gets for
    // this instance, while the other tests keep the cluster.
    run_postgres_sql(cluster, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
    run_postgres_sql(cluster, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
    BOOST_TEST(wait_for(503) == 503);
    auto refused = on.call(0, {.method = "POST", .target = "/v1/customers", .body = R"({"email":"down@example.com"})"});
    BOOST_TEST(refused.status == 503, refused.body);
    run_postgres_sql(cluster, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
    BOOST_TEST(wait_for(200) == 200);
    create(on, 0, R"({"email":"up-again@example.com"})");
}

// The pool's gauges and the unit counters are in /metrics and move with the work.
BOOST_AUTO_TEST_CASE(pool_metrics_are_served_and_move) {
    instances on(1);
    auto metric = [&](const std::string& series) {
        auto text = on.call(0, {.target = "/metrics", .key = ""}).body;
        auto at = text.find("\n" + series + " ");
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, series << " missing from /metrics");
        return std::stod(text.substr(at + series.size() + 2));
    };
    BOOST_TEST(metric("owostack_store_pool_connections") == 8.0);
    // The webhook worker's units (an outbox scan a second, the prune at start) come and go too:
    // idle means none in use for a moment, and a create adds at least its own write.
    auto in_use = metric("owostack_store_pool_connections_in_use");
    for (int i = 0; i < 50 && in_use != 0.0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        in_use = metric("owostack_store_pool_connections_in_use");
    }
    BOOST_TEST(in_use == 0.0);
    auto writes = metric(R"(owostack_store_units_total{kind="write",outcome="ok"})");
    create(on, 0, R"({"email":"metrics@example.com"})");
    BOOST_TEST(metric(R"(owostack_store_units_total{kind="write",outcome="ok"})") >= writes + 1);
}

BOOST_AUTO_TEST_SUITE_END()
