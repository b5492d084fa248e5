// The lifecycle under concurrency, at HTTP level: optimistic concurrency (expectedVersion), bind
// exactly once, and keyset paging while other clients create and delete customers.
#include "server_helpers.hpp"

#include <support/all_at_once.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace json = boost::json;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(customer_lifecycle_concurrency)

BOOST_AUTO_TEST_CASE(concurrent_updates_with_one_expected_version_one_wins) {
    auto c = create_customer(R"({"email":")" + unique("occ") + R"(@example.com"})");
    auto id = id_of(c);
    auto answers = all_at_once(32, [&](int i) {
        return patch_customer(id, R"({"metadata":{"writer":)" + std::to_string(i) + R"(},"expectedVersion":1})");
    });
    int won = 0, conflicts = 0;
    std::int64_t winner = -1;
    for (const auto& r : answers) {
        if (r.status == 200) {
            ++won;
            winner = body_of(r).at("metadata").at("writer").as_int64();
        } else if (r.status == 409) {
            ++conflicts;
            BOOST_TEST(r.body == R"({"success":false,"error":"Customer version conflict","code":"version_conflict","currentVersion":2})");
        }
    }
    BOOST_TEST(won == 1);
    BOOST_TEST(conflicts == 31);
    auto now = body_of(get("/v1/customers/" + id));
    BOOST_TEST(now.at("version").as_int64() == 2);
    BOOST_TEST(now.at("metadata").at("writer").as_int64() == winner);
}

BOOST_AUTO_TEST_CASE(concurrent_binds_of_different_external_ids_one_wins) {
    auto id = id_of(create_customer(R"({"email":")" + unique("race") + R"(@example.com"})"));
    auto base = unique("race-ext");
    auto answers = all_at_once(32, [&](int i) {
        return post("/v1/customers/" + id + "/bind", R"({"externalId":")" + base + "-" + std::to_string(i) + "\"}");
    });
    auto race = tally_binds(answers);
    BOOST_TEST(race.won == 1);
    BOOST_TEST(race.refused == 31);
    auto now = body_of(get("/v1/customers/" + id));
    BOOST_TEST(now.at("externalId").as_string() == race.bound);
    BOOST_TEST(now.at("version").as_int64() == 2);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + race.bound))) == id);
}

BOOST_AUTO_TEST_CASE(paging_while_others_create_and_delete_skips_and_repeats_nothing) {
    // An organisation of its own, so the only customers are this test's.
    local_server_options o;
    o.api_keys = {"sk_churn:org_churn"};
    local_server srv(o);
    auto ask = [&](raw_request r) {
        r.key = "sk_churn";
        return owo::test::call(srv.port(), srv.ca_file(), r);
    };
    // No Boost.Test assertion off the main thread (it is not thread-safe): failures are counted.
    std::atomic<int> failures{0};
    auto make = [&](const std::string& prefix) {
        auto r = ask({.method = "POST", .target = "/v1/customers",
                      .body = R"({"email":")" + unique(prefix) + R"(@example.com"})"});
        if (r.status != 200) {
            ++failures;
            return std::string();
        }
        return id_of(body_of(r));
    };

    std::set<std::string> stable;   // exist from before the listing to after it
    std::vector<std::string> doomed;   // exist before, deleted while the listing runs
    for (int i = 0; i < 90; ++i) {
        stable.insert(make("stable"));
        if (i % 3 == 0) doomed.push_back(make("doomed"));
    }
    BOOST_REQUIRE_EQUAL(failures.load(), 0);

    // 8 clients create and delete customers while the listing runs (a bounded number of times,
    // so the listing, which sees the new customers at its end, finishes).
    std::atomic<bool> listing{true};
    std::atomic<int> created{0}, deleted{0};
    std::mutex doomed_mutex;
    std::vector<std::thread> churn;
    for (int t = 0; t < 8; ++t)
        churn.emplace_back([&, t] {
            std::vector<std::string> mine;
            for (int i = 0; i < 40 && (listing || i < 4); ++i) {
                mine.push_back(make("churn"));
                ++created;
                std::string victim;
                if (i % 2 == 1) {
                    victim = mine.front();
                    mine.erase(mine.begin());
                } else {
                    std::lock_guard lock(doomed_mutex);
                    if (doomed.empty()) continue;
                    victim = doomed.back();
                    doomed.pop_back();
                }
                auto d = ask({.method = "DELETE", .target = "/v1/customers/" + victim + (t % 2 ? "?purge=true" : "")});
                if (d.status != 200) ++failures;
                ++deleted;
            }
        });

    std::map<std::string, int> seen;
    std::string cursor;
    int pages = 0;
    while (true) {
        auto r = ask({.target = "/v1/customers?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor)});
        BOOST_REQUIRE_EQUAL(r.status, 200);
        auto page = body_of(r);
        for (const auto& c : page.at("customers").as_array()) ++seen[std::string(c.at("id").as_string())];
        ++pages;
        if (!page.at("hasMore").as_bool()) break;
        cursor = std::string(page.at("nextCursor").as_string());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));   // let the others interleave
    }
    listing = false;
    for (auto& t : churn) t.join();

    BOOST_TEST_MESSAGE(pages << " pages, " << seen.size() << " customers seen; " << created << " created and " << deleted
                             << " deleted meanwhile");
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(created.load() >= 32);
    BOOST_TEST(deleted.load() >= 16);
    for (const auto& [id, times] : seen) BOOST_CHECK_MESSAGE(times == 1, id << " listed " << times << " times");
    for (const auto& id : stable) BOOST_CHECK_MESSAGE(seen.count(id) == 1u, id << " was skipped");
}

BOOST_AUTO_TEST_SUITE_END()
