// Rating: what an amount of usage costs under a plan feature's pricing, as lib/usage-rating.ts
// rateUsage computes it (package, graduated and volume pricing over the billable quantity of an
// included, usage-based or prepaid feature), in integer minor units. Pure functions.
#pragma once

#include "domain/catalog.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace owo::local {

/// One tier's part of a rated amount (BillingTierBreakdown).
struct tier_charge {
    std::size_t tier = 0;   // index into the tiers
    std::int64_t units = 0, unit_price = 0;
    std::optional<std::int64_t> flat_fee;
    std::int64_t amount = 0;
};

struct rated_usage {
    std::string usage_model, rating_model;
    std::int64_t usage = 0;
    std::optional<std::int64_t> included;
    std::int64_t billable_quantity = 0;
    std::int64_t amount = 0;                       // minor units
    std::optional<std::int64_t> price_per_unit;    // package: the price of one package
    std::optional<std::int64_t> billing_units;     // package: units per package
    std::optional<std::vector<tier_charge>> tiers; // graduated/volume: the breakdown
};

/// rateUsage: billable = usage (usage_based), usage - included (included), 0 (prepaid); package
/// = ceil(billable / billingUnits) x price (overagePrice first for included features);
/// graduated = each tier's units x unitPrice + its flatFee; volume = every unit at the tier the
/// billable quantity falls in, plus that tier's flatFee.
rated_usage rate_usage(const feature_pricing& pricing, std::int64_t usage, std::optional<std::int64_t> included);

/// getCurrentPricingTier: the tier the billable part of `usage` is in (graduated and volume
/// pricing with tiers only).
struct current_tier {
    std::size_t index = 0;
    std::int64_t starts_at = 0;
    std::optional<std::int64_t> ends_at;
    std::int64_t unit_price = 0;
    std::optional<std::int64_t> flat_fee;
};
std::optional<current_tier> current_pricing_tier(const feature_pricing& pricing, std::int64_t usage, std::optional<std::int64_t> included);

} // namespace owo::local
