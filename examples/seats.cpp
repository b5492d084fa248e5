// The seat-management flow a SaaS back end runs: resolve the organisation's customer, put it
// on the paid plan, manage seats up to the limit, and show the state as a table.
//
// Configuration comes from the environment (scripts/demo.sh sets it against owostack-local):
//   OWOSTACK_SECRET_KEY, OWOSTACK_API_URL, OWOSTACK_CA_FILE
// Usage: seats [--email billing@acme.example]
#include "common/sandbox_checkout.hpp"

#include <owostack/owostack.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;

namespace {

void expect(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("unexpected: " + what);
}

const char* status_name(owo::entity_status s) {
    switch (s) {
    case owo::entity_status::active: return "active";
    case owo::entity_status::pending_removal: return "pending removal";
    default: return "unknown";
    }
}

asio::awaitable<void> run(owo::client& owo, std::string email, std::string ca_file) {
    // 1. Resolve (or create) the organisation's customer; metadata is merged on every call.
    // (Params are named variables: g++ 12 mishandles brace-initialised temporaries inside co_await.)
    owo::customer_params who{.email = email, .name = "Acme Corporation",
                             .metadata = boost::json::object{{"industry", "SaaS"}, {"source", "seats-example"}}};
    owo::customer org = co_await owo.customer(who);
    std::printf("customer   %s  (%s)\n", org.email().c_str(), org.id().c_str());

    // 2. Attach the paid plan; the sandbox checkout activates it once "paid".
    owo::attach_params plan{.product = "team"};
    auto attached = co_await org.attach(plan);
    if (attached.requires_checkout) {
        expect(attached.checkout_url.has_value(), "a paid plan without a checkout URL");
        int status = co_await owo::examples::complete_sandbox_checkout(*attached.checkout_url, ca_file);
        expect(status == 200, "sandbox checkout answered " + std::to_string(status));
        std::printf("plan       team: checkout completed\n");
    }

    // 3. Seats up to the limit.
    std::int64_t limit = 0;
    for (int i = 1;; ++i) {
        owo::add_entity_params seat{.feature = "seats", .entity = "user_" + std::to_string(i),
                                    .name = "User " + std::to_string(i)};
        try {
            auto added = co_await org.add_entity(seat);
            limit = added.limit.value_or(0);
            std::printf("add seat   %-8s  %lld/%lld used\n", added.entity_id.c_str(), static_cast<long long>(added.count),
                        static_cast<long long>(limit));
        } catch (const owo::api_error& e) {
            // 4. The plan's limit: a typed error carrying the numbers, not a string to parse.
            expect(e.code() == owo::error::limit_exceeded, std::string("add_entity: ") + e.what());
            std::printf("add seat   %-8s  refused: limit_exceeded (current %lld, limit %lld, feature %s)\n",
                        seat.entity.c_str(), static_cast<long long>(e.diag().current.value_or(-1)),
                        static_cast<long long>(e.diag().limit.value_or(-1)), e.diag().feature.value_or("?").c_str());
            expect(e.diag().current == e.diag().limit, "limit_exceeded below the limit");
            break;
        }
    }
    expect(limit == 5, "the team plan has 5 seats");

    // 5. Remove a seat: pending removal (still counted until the period ends), then restore it.
    owo::remove_entity_params leaving{.feature = "seats", .entity = "user_2"};
    auto removed = co_await org.remove_entity(leaving);
    std::printf("remove     user_2    -> pending removal (%lld counted)\n", static_cast<long long>(removed.count.value_or(-1)));
    owo::add_entity_params back{.feature = "seats", .entity = "user_2"};
    auto restored = co_await org.add_entity(back);
    expect(restored.restored, "re-adding a pending-removal seat restores it");
    std::printf("restore    user_2    -> active\n");
    owo::remove_entity_params leaving_for_good{.feature = "seats", .entity = "user_5"};
    co_await org.remove_entity(leaving_for_good);

    // 6. The state, as a table.
    owo::list_entities_params query{.feature = "seats"};
    auto seats = co_await org.list_entities(query);
    expect(seats.total == 5, "5 seats listed");
    std::printf("\n%-40s %-8s %-12s\n", "customer", "plan", "seats used");
    std::printf("%-40s %-8s %lld/%lld\n\n", org.email().c_str(), "team", static_cast<long long>(seats.total),
                static_cast<long long>(limit));
    std::printf("%-10s %-10s %-16s\n", "seat", "name", "status");
    for (const auto& s : seats.entities)
        std::printf("%-10s %-10s %-16s\n", s.id.c_str(), s.name.value_or("-").c_str(), status_name(s.status));
    int pending = 0;
    for (const auto& s : seats.entities) pending += s.status == owo::entity_status::pending_removal;
    expect(pending == 1, "exactly one seat pending removal");
}

} // namespace

int main(int argc, char** argv) {
    // A fresh customer per run by default, so the demo also works on a database kept from before.
    auto now = std::chrono::system_clock::now().time_since_epoch();
    std::string email = "billing+" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) +
                        "@acme.example";
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--email") email = argv[i + 1];
    try {
        auto cfg = owo::config::from_env();
        asio::io_context ioc;
        owo::client owo(ioc.get_executor(), cfg);
        auto done = asio::co_spawn(ioc, run(owo, email, cfg.ca_file), asio::use_future);
        ioc.run();
        done.get();
        std::printf("\nseat flow completed\n");
        return 0;
    } catch (const owo::api_error& e) {
        std::fprintf(stderr, "seats: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "seats: %s\n", e.what());
    }
    return 1;
}
