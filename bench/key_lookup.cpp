// Issue #26: is a wrong API key that shares a long prefix with a configured one refused any later
// than one that shares nothing? Medians of many timed batches, the two kinds interleaved so that
// drift (frequency, other load) falls on both alike:
//   1. api_key_table::find alone (the constant-time look-up), and for contrast the std::map
//      look-up it replaced, whose string compare stops at the first differing byte;
//   2. a whole request through the pipeline (api::handle, GET /v1/customers -> 401), no network.
// Usage: owostack-key-lookup [rounds]   (bench/README.md §10)
#include "api/api.hpp"
#include "api/api_keys.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace owo::local;
using clock_type = std::chrono::steady_clock;

namespace {

volatile std::uintptr_t sink;   // keeps the timed work from being optimised away

/// Median nanoseconds per call of each function over `rounds` batches of `batch` calls, the
/// functions taking turns batch by batch.
std::vector<double> medians(const std::vector<std::function<void()>>& fns, int rounds, int batch) {
    std::vector<std::vector<double>> samples(fns.size());
    for (int r = 0; r < rounds; ++r)
        for (std::size_t f = 0; f < fns.size(); ++f) {
            auto start = clock_type::now();
            for (int i = 0; i < batch; ++i) fns[f]();
            samples[f].push_back(std::chrono::duration<double, std::nano>(clock_type::now() - start).count() / batch);
        }
    std::vector<double> out;
    for (auto& s : samples) {
        std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2), s.end());
        out.push_back(s[s.size() / 2]);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::atoi(argv[1]) : 301;
    // A realistic set: five configured keys of 64 characters.
    std::map<std::string, std::string> keys;
    std::string real;
    for (int k = 0; k < 5; ++k) {
        std::string key = "sk_live_" + std::string(56, static_cast<char>('a' + k));
        keys[key] = "org_" + std::to_string(k);
        if (k == 2) real = key;
    }
    std::string shared_prefix = real.substr(0, real.size() - 1) + "X";   // 63 of 64 characters in common
    std::string no_prefix = "XX" + std::string(real.size() - 2, 'Z');    // nothing in common, same length

    api_key_table table(keys, {});
    auto ct = medians({[&] { sink = reinterpret_cast<std::uintptr_t>(table.find(shared_prefix)); },
                       [&] { sink = reinterpret_cast<std::uintptr_t>(table.find(no_prefix)); }},
                      rounds, 2000);
    auto naive = medians({[&] { sink = keys.find(shared_prefix) == keys.end(); }, [&] { sink = keys.find(no_prefix) == keys.end(); }},
                         rounds, 20000);

    api app(api_options{.api_keys = keys});
    auto request = [&](const std::string& key) {
        http_request req{boost::beast::http::verb::get, "/v1/customers", 11};
        req.set(boost::beast::http::field::authorization, "Bearer " + key);
        return req;
    };
    auto shared_req = request(shared_prefix), none_req = request(no_prefix);
    if (app.handle(shared_req).result_int() != 401 || app.handle(none_req).result_int() != 401) return 1;
    auto pipeline = medians({[&] { sink = app.handle(shared_req).result_int(); }, [&] { sink = app.handle(none_req).result_int(); }},
                            rounds, 200);

    std::printf("wrong key, median ns per call (%d rounds)    shares 63/64   shares 0/64   ratio\n", rounds);
    std::printf("api_key_table::find (constant time)      %12.1f  %12.1f  %6.3f\n", ct[0], ct[1], ct[0] / ct[1]);
    std::printf("std::map::find (the previous look-up)    %12.1f  %12.1f  %6.3f\n", naive[0], naive[1], naive[0] / naive[1]);
    std::printf("api::handle, GET /v1/customers -> 401    %12.1f  %12.1f  %6.3f\n", pipeline[0], pipeline[1], pipeline[0] / pipeline[1]);
    return 0;
}
