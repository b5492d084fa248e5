// The blocking style: no io_context, no coroutines. owo::blocking_client runs its own I/O
// thread; each call blocks its caller and returns the result or throws owo::api_error. Here a
// few worker threads record API usage for one customer at once, as a thread-per-request
// server would, then the usage is checked and an error shown.
//
// Configuration comes from the environment (scripts/with-local-server.sh sets it):
//   OWOSTACK_SECRET_KEY, OWOSTACK_API_URL, OWOSTACK_CA_FILE
#include <owostack/blocking_client.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main() try {
    owo::blocking_client owo(owo::config::from_env());

    // 1. Resolve (or create) the customer: new customers get the auto-enabled free plan.
    auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
    owo::customer acme = owo.customer({.email = "ops+" + std::to_string(stamp) + "@acme.example", .name = "Acme"});
    std::printf("customer   %s (%s)\n", acme.email().c_str(), acme.id().c_str());

    // 2. Four request threads, five API calls each, tracked concurrently through one client.
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&] {
            for (int i = 0; i < 5; ++i) owo.track({.customer = acme.id(), .feature = "api-calls", .value = 1});
        });
    for (auto& t : workers) t.join();

    // 3. What is left of the allowance.
    auto access = owo.check({.customer = acme.id(), .feature = "api-calls"});
    std::printf("api-calls  allowed=%s usage=%.0f limit=%.0f\n", access.allowed ? "yes" : "no", access.usage.value_or(0),
                access.limit.value_or(0));
    if (access.usage.value_or(0) != 20) {
        std::fprintf(stderr, "blocking: expected 20 calls tracked\n");
        return 1;
    }

    // 4. Failures are exceptions carrying what the server said.
    try {
        owo.plan("platinum");
    } catch (const owo::api_error& e) {
        std::printf("plan       platinum: %s (HTTP %d, %s)\n", e.server_code().c_str(), e.http_status(),
                    e.code() == owo::error::plan_not_found ? "plan_not_found" : "?");
    }
    auto s = owo.stats();
    std::printf("pool       %llu connection(s) opened, %llu reuses\n",
                static_cast<unsigned long long>(s.connections_opened), static_cast<unsigned long long>(s.reuses));
    return 0;
} catch (const owo::api_error& e) {
    std::fprintf(stderr, "blocking: %s\n", e.what());
    return 1;
}
