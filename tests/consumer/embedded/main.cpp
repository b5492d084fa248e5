// The program the add_subdirectory and FetchContent consumers build: it includes only the
// public headers, links only owostack::owostack, and makes real calls against the
// owostack-local that scripts/with-local-server.sh started (configuration from the environment).
#include <owostack/blocking_client.hpp>
#include <owostack/owostack.hpp>

#include <cstdio>

int main() try {
    owo::blocking_client owo(owo::config::from_env());
    auto plans = owo.plans({});
    for (const auto& p : plans) std::printf("plan %-10s %lld %s\n", p.slug.c_str(), static_cast<long long>(p.price), p.currency.c_str());
    try {
        owo.plan("no-such-plan");
        return 1;
    } catch (const owo::api_error& e) {
        std::printf("unknown plan: %s\n", e.server_code().c_str());
        if (e.code() != owo::error::plan_not_found) return 1;
    }
    return plans.empty() ? 1 : 0;
} catch (const owo::api_error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
}
