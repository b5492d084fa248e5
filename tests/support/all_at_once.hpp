// Races for concurrency tests: n requests on n threads, released together.
#pragma once

#include "http_client.hpp"

#include <boost/json/parse.hpp>

#include <functional>
#include <string>
#include <latch>
#include <thread>
#include <vector>

namespace owo::test {

/// Runs `request(i)` for i in [0, n) on n threads released together; the statuses and bodies.
inline std::vector<raw_response> all_at_once(int n, const std::function<raw_response(int)>& request) {
    std::vector<raw_response> out(static_cast<std::size_t>(n));
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            out[static_cast<std::size_t>(i)] = request(i);
        });
    for (auto& t : threads) t.join();
    return out;
}

/// Racing binds of one customer to different external ids, counted: the winners (200), the
/// refused (409 already_bound), anything else, and the external id that won.
struct bind_race {
    int won = 0, refused = 0, other = 0;
    std::string bound;
};

inline bind_race tally_binds(const std::vector<raw_response>& answers) {
    bind_race t;
    for (const auto& r : answers) {
        auto body = boost::json::parse(r.body).as_object();
        if (r.status == 200) {
            ++t.won;
            t.bound = std::string(body.at("externalId").as_string());
        } else if (r.status == 409 && body.at("code").as_string() == "already_bound") {
            ++t.refused;
        } else {
            ++t.other;
        }
    }
    return t;
}

} // namespace owo::test
