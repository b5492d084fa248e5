// Group commit over the network: a write storm against an on-disk owostack-local batches its
// commits, and kill -9 in the middle of it loses no write the server acknowledged.
#include "server_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(group_commit)

BOOST_AUTO_TEST_CASE(kill_9_during_a_write_storm_loses_no_acknowledged_write) {
    auto dir = fs::temp_directory_path() / unique("owostack-storm");
    fs::create_directories(dir);
    local_server_options o;
    o.db = (dir / "storm.db").string();
    o.api_keys = {"sk_storm:org_storm"};
    std::vector<std::string> acknowledged;
    {
        local_server srv(o);
        auto ask = [&](raw_request r) {
            r.key = "sk_storm";
            return owo::test::call(srv.port(), srv.ca_file(), r);
        };
        auto metrics = [&] { return ask({.target = "/metrics", .key = ""}).body; };
        // No request has read yet: at most the webhook worker's outbox scan (a read unit) has
        // opened a read connection. One read opens one.
        BOOST_TEST(metric_sample(metrics(), "owostack_store_pool_connections") <= 1.0);
        BOOST_TEST(ask({.target = "/v1/customers?limit=1"}).status == 200);
        BOOST_TEST(metric_sample(metrics(), "owostack_store_pool_connections") >= 1.0);

        // 16 clients create customers as fast as they can; each remembers what was acknowledged.
        std::mutex acked_mutex;
        std::atomic<bool> storming{true};
        std::atomic<int> answered{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < 16; ++t)
            clients.emplace_back([&, t] {
                for (int i = 0; storming; ++i) {
                    std::string external = "storm-" + std::to_string(t) + "-" + std::to_string(i);
                    raw_response r;
                    try {
                        r = ask({.method = "POST", .target = "/v1/customers",
                                 .body = R"({"id":")" + external + R"(","email":")" + external + R"(@example.com"})"});
                    } catch (const std::exception&) {
                        return;   // the server is gone
                    }
                    if (r.status == 0) return;
                    if (r.status == 200) {
                        ++answered;
                        std::lock_guard lock(acked_mutex);
                        acknowledged.push_back(external);
                    }
                }
            });
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (answered < 400 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        // Concurrent writes shared commits: fewer commits than units.
        auto text = metrics();
        double commits = metric_sample(text, "owostack_store_commit_batch_size_count");
        double units = metric_sample(text, "owostack_store_commit_batch_size_sum");
        BOOST_TEST_MESSAGE("before the kill: " << units << " units in " << commits << " commits");
        BOOST_TEST(units > commits);
        BOOST_TEST(metric_sample(text, R"(owostack_store_commit_batch_size_bucket{le="1"})") < commits);
        srv.kill_hard();   // mid-storm: requests are in flight
        storming = false;
        for (auto& c : clients) c.join();
    }
    BOOST_TEST_MESSAGE(acknowledged.size() << " creates acknowledged before kill -9");
    BOOST_TEST(acknowledged.size() >= 400u);
    local_server again(o);
    std::size_t missing = 0;
    for (const auto& external : acknowledged) {
        auto r = owo::test::call(again.port(), again.ca_file(),
                                 {.target = "/v1/customers/lookup?externalId=" + external, .key = "sk_storm"});
        if (r.status != 200) ++missing;
    }
    BOOST_TEST(missing == 0u);
    again.stop();
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
