#include "domain/rating.hpp"

#include <algorithm>

namespace owo::local {

namespace {

std::int64_t billable(const std::string& usage_model, std::int64_t usage, std::optional<std::int64_t> included) {
    if (usage_model == "usage_based") return usage;
    if (usage_model == "prepaid") return 0;
    return std::max<std::int64_t>(0, usage - included.value_or(0));
}

/// getPackagePrice: an included feature's overage is priced by overagePrice first.
std::int64_t package_price(const feature_pricing& p) {
    if (p.usage_model == "included") return p.overage_price.value_or(p.price_per_unit.value_or(0));
    return p.price_per_unit.value_or(p.overage_price.value_or(0));
}

/// findTierIndex: the first tier whose upTo holds `quantity` (else the last).
std::size_t tier_of(std::int64_t quantity, const std::vector<price_tier>& tiers) {
    for (std::size_t i = 0; i < tiers.size(); ++i)
        if (!tiers[i].up_to || quantity <= *tiers[i].up_to) return i;
    return tiers.size() - 1;
}

const char* usage_model_of(const feature_pricing& p) {
    return p.usage_model == "usage_based" ? "usage_based" : p.usage_model == "prepaid" ? "prepaid" : "included";
}

tier_charge charge(std::size_t index, const price_tier& t, std::int64_t units) {
    std::int64_t unit_price = t.unit_price.value_or(0);
    return {index, units, unit_price, t.flat_fee, units * unit_price + t.flat_fee.value_or(0)};
}

} // namespace

rated_usage rate_usage(const feature_pricing& p, std::int64_t usage, std::optional<std::int64_t> included) {
    rated_usage r;
    r.usage_model = usage_model_of(p);
    r.rating_model = p.rating_model == "graduated" || p.rating_model == "volume" ? p.rating_model : "package";
    r.usage = std::max<std::int64_t>(0, usage);
    r.included = included;
    r.billable_quantity = billable(r.usage_model, r.usage, included);
    bool package = r.rating_model == "package";
    if (package) {
        r.price_per_unit = package_price(p);
        r.billing_units = r.billable_quantity == 0 ? p.billing_units : std::max<std::int64_t>(1, p.billing_units);
        std::int64_t packages = (r.billable_quantity + *r.billing_units - 1) / *r.billing_units;   // ceil
        r.amount = packages * *r.price_per_unit;
        return r;
    }
    r.tiers.emplace();
    if (r.billable_quantity == 0 || p.tiers.empty()) return r;
    if (r.rating_model == "volume") {
        std::size_t i = tier_of(r.billable_quantity, p.tiers);
        r.tiers->push_back(charge(i, p.tiers[i], r.billable_quantity));
        r.amount = r.tiers->back().amount;
        r.price_per_unit = r.tiers->back().unit_price;
        r.billing_units = 1;
        return r;
    }
    // Graduated: fill each tier up to its bound.
    std::int64_t remaining = r.billable_quantity, previous_bound = 0;
    for (std::size_t i = 0; i < p.tiers.size() && remaining > 0; ++i) {
        const auto& t = p.tiers[i];
        std::int64_t units = t.up_to ? std::min(remaining, *t.up_to - previous_bound) : remaining;
        if (t.up_to) previous_bound = *t.up_to;
        if (units <= 0) continue;
        r.tiers->push_back(charge(i, t, units));
        r.amount += r.tiers->back().amount;
        remaining -= units;
    }
    return r;
}

std::optional<current_tier> current_pricing_tier(const feature_pricing& p, std::int64_t usage, std::optional<std::int64_t> included) {
    if (p.rating_model == "package" || p.tiers.empty()) return std::nullopt;
    std::int64_t quantity = billable(usage_model_of(p), std::max<std::int64_t>(0, usage), included);
    if (quantity <= 0) return std::nullopt;
    std::size_t i = tier_of(quantity, p.tiers);
    std::int64_t starts_at = i > 0 ? p.tiers[i - 1].up_to.value_or(0) : 0;
    return current_tier{i, starts_at, p.tiers[i].up_to, p.tiers[i].unit_price.value_or(0), p.tiers[i].flat_fee};
}

} // namespace owo::local
