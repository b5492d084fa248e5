// The catalog of the TypeScript-peer scenario (examples/parity_scenario.cpp,
// scripts/ts_peer/scenario.mjs) and of the SDK's parity integration tests.
#pragma once

#include <owostack/catalog.hpp>

namespace owo::examples {

/// The same catalog as scripts/ts_peer/scenario.mjs declares with upstream's helpers: a free
/// plan whose every metered feature is billed beyond what it includes (package overage, per
/// unit, graduated, volume), a credit system fed by the plan and by add-on packs, and a paid
/// plan priced `scale_price`.
inline owo::catalog peer_catalog(std::int64_t scale_price = 9900) {
    owo::catalog c;
    auto calls = c.metered("p-calls", {.name = "API calls"});
    auto tokens = c.metered("p-tokens");
    auto storage = c.metered("p-storage");
    auto compute = c.metered("p-compute");
    c.metered("p-images");
    auto seats = c.entity("p-seats");
    auto sso = c.boolean("p-sso");
    auto credits = c.credit_system("p-credits", {.name = "Credits", .features = {{"p-images", 5}}});
    c.credit_pack("p-50-credits", {.name = "50 credits", .credits = 50, .price = 500, .currency = "USD",
                                   .credit_system = "p-credits"});
    c.plan("p-metered", {.name = "Metered", .price = 0, .currency = "USD", .interval = "monthly",
                         .features = {calls.limit(100, {.overage = "charge", .overage_price = 20, .billing_units = 10}),
                                      tokens.per_unit(3),
                                      storage.graduated({{.up_to = 10, .unit_price = 5},
                                                         {.up_to = 20, .unit_price = 3, .flat_fee = 100},
                                                         {.unit_price = 1}}),
                                      compute.volume({{.up_to = 10, .unit_price = 5}, {.unit_price = 2, .flat_fee = 50}}),
                                      credits.credits(100), seats.limit(3), sso.on()}});
    c.plan("p-scale", {.name = "Scale", .price = scale_price, .currency = "USD", .interval = "monthly",
                       .features = {calls.unlimited(), seats.unlimited(), sso.on()}});
    return c;
}

} // namespace owo::examples
